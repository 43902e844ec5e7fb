using System.Runtime.InteropServices;

namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>
/// fsync of a directory, so that a created, renamed or deleted file survives a power cut (POSIX only makes the
/// directory entry durable when the directory itself is synced). A no-op where the platform has no such call.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY on Linux

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var path = System.Text.Encoding.UTF8.GetBytes(directory + "\0");
        var fd = Open(path, ReadOnlyDirectory);
        if (fd < 0)
        {
            return;
        }
        _ = Fsync(fd);
        _ = Close(fd);
    }

    [DllImport("libc", EntryPoint = "open")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);
}
