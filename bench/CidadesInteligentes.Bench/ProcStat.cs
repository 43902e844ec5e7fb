using System.Globalization;

/// <summary>CPU time of another process, read from <c>/proc/&lt;pid&gt;/stat</c> (Linux).</summary>
internal static class ProcStat
{
    /// <summary>utime + stime in seconds (fields 14 and 15, in clock ticks of 1/100 s).</summary>
    public static double CpuSeconds(int pid)
    {
        // fields after the ")" of the command name start at field 3 (state)
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}
