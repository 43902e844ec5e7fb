using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Edge.Hardware;

namespace CidadesInteligentes.Edge.Core.Agents;

// Reboot-after-power-loss detection (docs/domain.md, supplyLoss): a small marker file holding the boot id is
// written (fsynced, directory synced) when the agent starts and deleted when it stops cleanly. A clean reboot
// (systemctl reboot) stops the agent first, so a marker left by an earlier boot means the controller went down
// while running: a power cut (or a hard reset, which looks the same from here). A marker of this boot means the
// process crashed and systemd restarted it: not a supply loss. Two small writes per run, none per step.
public sealed partial class LuminaireAgent
{
    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";

    /// <summary>True when the previous run ended without a clean stop in an earlier boot.</summary>
    private bool StartRunMarker()
    {
        if (_options.RunMarkerFile is not { } path)
        {
            return false;
        }
        var bootId = _options.BootId ?? ReadBootId();
        var previous = ReadMarker(path);
        try
        {
            AtomicFile.WriteAllText(path, bootId);
            SyncDirectory(path);
        }
        catch (IOException)
        {
            // a read-only or full card: the next start cannot tell, the agent runs on
        }
        catch (UnauthorizedAccessException)
        {
        }
        // Without a boot id (not Linux) any unclean stop is taken as a power loss.
        return previous is not null && (previous.Length == 0 || bootId.Length == 0 || previous != bootId);
    }

    private void EndRunMarker()
    {
        if (_options.RunMarkerFile is not { } path)
        {
            return;
        }
        try
        {
            File.Delete(path);
            SyncDirectory(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string? ReadMarker(string path)
    {
        try
        {
            return AtomicFile.TryReadAllText(path)?.Trim();
        }
        catch (IOException)
        {
            return ""; // present but unreadable: treat as left by an unclean stop
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static string ReadBootId()
    {
        try
        {
            return File.Exists(BootIdPath) ? File.ReadAllText(BootIdPath).Trim() : "";
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static void SyncDirectory(string path) => DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
}
