namespace CidadesInteligentes.Edge.Hardware.Linux;

/// <summary>Small helpers for sysfs attribute files (one value, written whole, no trailing state).</summary>
internal static class SysfsFile
{
    public static void Write(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IOException($"Cannot write '{path}': the agent's user needs the gpio/pwm group or udev rule.", ex);
        }
    }

    public static string Read(string path) => File.ReadAllText(path).Trim();

    /// <summary>The attribute's value, or null when it does not exist or cannot be read.</summary>
    public static string? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? Read(path) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// After an export the kernel creates the attribute directory at once, but udev may need a moment to hand it to
    /// the agent's group; wait briefly instead of failing on the first write.
    /// </summary>
    public static void WaitForDirectory(string path, int attempts = 10)
    {
        for (var i = 0; i < attempts; i++)
        {
            if (Directory.Exists(path))
            {
                return;
            }
            Thread.Sleep(20);
        }
        throw new IOException($"'{path}' did not appear after export.");
    }
}
