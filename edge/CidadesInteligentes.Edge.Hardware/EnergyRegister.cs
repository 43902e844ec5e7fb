using System.Globalization;

namespace CidadesInteligentes.Edge.Hardware;

/// <summary>
/// The luminaire's cumulative active-energy register (Wh), kept in a file so that it survives restarts and power
/// cuts. It only moves forward: negative or non-finite increments are ignored. The file is replaced atomically, so
/// a crash leaves the last persisted value; at most <see cref="PersistEveryWh"/> of energy can be lost, never
/// counted twice. A write that fails (a full or read-only card, a file the agent may not replace) is counted in
/// <see cref="FailedWrites"/> and does not fail <see cref="Add"/>: the energy stays counted in memory and the next
/// <see cref="Add"/> tries again.
/// </summary>
public sealed class EnergyRegister
{
    private readonly Lock _gate = new();
    private double _energyWh;
    private double _persistedWh;
    private long _failedWrites;

    public EnergyRegister(string path, double persistEveryWh = 1.0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(persistEveryWh);
        Path = path;
        PersistEveryWh = persistEveryWh;
        _energyWh = _persistedWh = Load(path);
    }

    public string Path { get; }

    public double PersistEveryWh { get; }

    public double EnergyWh
    {
        get
        {
            lock (_gate)
            {
                return _energyWh;
            }
        }
    }

    /// <summary>Writes of the file that failed since start (the value is then kept in memory until a write succeeds).</summary>
    public long FailedWrites
    {
        get
        {
            lock (_gate)
            {
                return _failedWrites;
            }
        }
    }

    /// <summary>Adds energy; writes the file when the unpersisted part reaches <see cref="PersistEveryWh"/>.</summary>
    public double Add(double energyWh)
    {
        lock (_gate)
        {
            if (double.IsFinite(energyWh) && energyWh > 0)
            {
                _energyWh += energyWh;
                if (_energyWh - _persistedWh >= PersistEveryWh)
                {
                    TryPersistLocked();
                }
            }
            return _energyWh;
        }
    }

    /// <summary>Integrates a constant <paramref name="powerW"/> over <paramref name="duration"/>.</summary>
    public double AddPower(double powerW, TimeSpan duration) => Add(powerW * duration.TotalHours);

    /// <summary>Writes the current value now (on shutdown, or after a reading the caller must not lose).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (_energyWh != _persistedWh || !File.Exists(Path))
            {
                PersistLocked();
            }
        }
    }

    /// <summary>
    /// A failed write must not fail the reading that added the energy: the meter then dropped the reading and, not
    /// having moved its integration start, counted the same minutes again at the next one (or, for an access error,
    /// threw out of the control loop and stopped the agent).
    /// </summary>
    private void TryPersistLocked()
    {
        try
        {
            PersistLocked();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _failedWrites++;
        }
    }

    private void PersistLocked()
    {
        AtomicFile.WriteAllText(Path, _energyWh.ToString("R", CultureInfo.InvariantCulture) + "\n");
        _persistedWh = _energyWh;
    }

    private static double Load(string path)
    {
        var text = AtomicFile.TryReadAllText(path);
        if (text is null)
        {
            return 0;
        }
        // A damaged register must stop the agent: restarting from 0 would look like a replaced meter to the cloud.
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value) || value < 0)
        {
            throw new InvalidDataException($"Energy register file '{path}' does not hold a non-negative number; restore it from a backup or the last reported energyWh.");
        }
        return value;
    }
}
