using System.Diagnostics;
using Microsoft.Data.Sqlite;

/// <summary>
/// Records when each bench message becomes committed in the cloud's SQLite store, independently of which broker
/// acknowledged it: a read-only connection in the bench process polls the telemetry rows of every device, and the
/// commit time of (device, seq) is the start of the first query whose snapshot contains it. In WAL mode a reader sees
/// only committed transactions, so this is publish→commit (not publish→broker receipt, which is what Mosquitto's
/// PUBACK gives).
/// <para>
/// Accuracy and overhead: telemetry rows are stored in arrival order, so a poll reads only the rows after the last id it
/// has seen (a rowid range), and each committed row is read once; a poll runs every ~1 ms on its own thread, so a commit time is late by at most one poll period plus one poll's
/// duration (both printed by <see cref="Summary"/>: typically well under 1 ms against p99s of tens to hundreds of ms).
/// Each poll is a short read transaction: it never blocks the cloud's writer; it can only delay a WAL checkpoint past
/// its snapshot for that instant. Its CPU is spent in the bench process, not counted in the cloud's CPU column, but
/// it does share the machine's cores (the same in both set-ups).
/// </para>
/// </summary>
internal sealed class CommitWatcher : IDisposable
{
    private readonly string _path;
    private readonly string[] _devices;
    private readonly int _perDevice;
    private readonly Stopwatch _clock;
    private readonly double[] _committedMs;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _seen;
    private long _polls;
    private double _pollMs;
    private double _maxPollMs;
    private double _firstPollMs = double.NaN;
    private double _lastPollMs;
    private Exception? _error;

    /// <param name="path">the cloud's SQLite file (it must exist already).</param>
    /// <param name="devices">device ids; slot of (device d, seq s) = d × perDevice + s − 1.</param>
    /// <param name="clock">the stopwatch the publish times are taken from.</param>
    public CommitWatcher(string path, string[] devices, int perDevice, Stopwatch clock)
    {
        _path = path;
        _devices = devices;
        _perDevice = perDevice;
        _clock = clock;
        _committedMs = new double[devices.Length * perDevice];
        Array.Fill(_committedMs, double.NaN);
        _thread = new Thread(Poll) { IsBackground = true, Name = "commit watcher" };
        _thread.Start();
    }

    /// <summary>Messages seen committed so far.</summary>
    public long Seen => Interlocked.Read(ref _seen);

    /// <summary>Stopwatch milliseconds at which each slot was first seen committed (NaN: not yet).</summary>
    public double[] CommittedMs => _committedMs;

    /// <summary>Polls, mean time between poll starts, and mean and max duration of a poll (the bounds of the error).</summary>
    public string Summary => $"commit watcher: {_polls:N0} polls, one every {(_lastPollMs - _firstPollMs) / Math.Max(1, _polls - 1):N2} ms, "
        + $"each {_pollMs / Math.Max(1, _polls):N2} ms mean, {_maxPollMs:N1} ms max";

    /// <summary>Waits until every message has been seen committed.</summary>
    public async Task WaitAllAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Seen < _committedMs.Length)
        {
            if (_error is not null)
            {
                throw new InvalidOperationException("commit watcher failed", _error);
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"commit watcher saw {Seen:N0} of {_committedMs.Length:N0} messages committed");
            }
            await Task.Delay(10);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Poll()
    {
        try
        {
            using var db = new SqliteConnection($"Data Source={_path};Mode=ReadOnly;Pooling=False");
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT id, device, seq FROM telemetry WHERE id > $after";
            var after = cmd.Parameters.Add("$after", SqliteType.Integer);
            cmd.Prepare();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var d = 0; d < _devices.Length; d++)
            {
                index[_devices[d]] = d;
            }
            long lastId = 0;
            while (!_stop && Seen < _committedMs.Length)
            {
                var start = _clock.Elapsed.TotalMilliseconds;
                after.Value = lastId;
                // this statement's snapshot is taken now: every row it returns was committed before this instant
                var snapshotMs = _clock.Elapsed.TotalMilliseconds;
                using (var reader = cmd.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        lastId = Math.Max(lastId, reader.GetInt64(0));
                        if (!index.TryGetValue(reader.GetString(1), out var d))
                        {
                            continue;
                        }
                        var seq = reader.GetInt64(2);
                        var slot = (d * _perDevice) + (int)seq - 1;
                        if (seq >= 1 && seq <= _perDevice && double.IsNaN(_committedMs[slot]))
                        {
                            _committedMs[slot] = snapshotMs;
                            Interlocked.Increment(ref _seen);
                        }
                    }
                }
                var took = _clock.Elapsed.TotalMilliseconds - start;
                _firstPollMs = double.IsNaN(_firstPollMs) ? start : _firstPollMs;
                _lastPollMs = start;
                _polls++;
                _pollMs += took;
                _maxPollMs = Math.Max(_maxPollMs, took);
                Thread.Sleep(1);
            }
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException)
        {
            _error = e;
        }
    }
}
