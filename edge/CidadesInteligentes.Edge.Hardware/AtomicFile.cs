using System.Text;

namespace CidadesInteligentes.Edge.Hardware;

/// <summary>
/// Whole-file replacement that survives a power cut: the new content goes to a sibling temporary file, is flushed
/// to the disk, and is renamed over the target. A reader sees either the old or the new content, never half.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string contents) => WriteAllBytes(path, Encoding.UTF8.GetBytes(contents));

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> contents)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(contents);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The file's text, or null when it does not exist.</summary>
    public static string? TryReadAllText(string path) => File.Exists(path) ? File.ReadAllText(path, Encoding.UTF8) : null;
}
