namespace CidadesInteligentes.Testing;

/// <summary>What /proc says of a process the test did not start itself (so there is no exit to await).</summary>
public static class ProcessState
{
    /// <summary>Running: it exists and is not a zombie waiting for its parent to collect it.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
