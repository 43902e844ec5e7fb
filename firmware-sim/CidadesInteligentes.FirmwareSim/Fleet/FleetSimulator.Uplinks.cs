using System.Collections.Concurrent;
using System.Globalization;
using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Client;
using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.FirmwareSim.Fleet;

public sealed partial class FleetSimulator
{
    private async Task ConnectAllAsync(CancellationToken ct)
    {
        var uplinkOptions = new UplinkOptions(_options.MqttHost, _options.MqttPort, "")
        {
            MaxInFlight = Math.Max(1, _options.MaxInFlightPerDevice),
            DrainPerSecond = _options.LoadMode ? 1e9 : _options.DrainPerSecond,
            DrainBurst = _options.LoadMode ? 1e9 : Math.Max(_options.DrainPerSecond, 100),
            ReconnectMaxDelay = TimeSpan.FromSeconds(5),
        };
        var work = new List<(IDeviceAgent Agent, Action<Uplink> Attach)>();
        work.AddRange(_luminaires.Select(l => ((IDeviceAgent)l.Agent, (Action<Uplink>)(u => l.Uplink = u))));
        work.AddRange(_hotspots.Select(h => ((IDeviceAgent)h.Agent, (Action<Uplink>)(u => h.Uplink = u))));
        // a device keeps retrying its first connect, so a refused one would hold the whole fleet here without a word
        var refused = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        string? lastFailure = null;
        var connected = 0;
        using var connecting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var all = Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = connecting.Token }, async (w, token) =>
        {
            var id = w.Agent.Identity.Id;
            // uplink rates and timers run in real time; only the agents read the fleet clock
            var uplink = new Uplink(w.Agent, uplinkOptions with
            {
                Password = _secrets[id],
                DescribeConnectFailure = e =>
                {
                    lastFailure = e.Message;
                    if (e is MqttConnectException { ReasonCode: ReasonCodes.BadUserNameOrPassword or ReasonCodes.NotAuthorized or ReasonCodes.ClientIdentifierNotValid })
                    {
                        refused.TryAdd(id, e.Message);
                    }
                    return null;
                },
            }, TimeProvider.System);
            w.Attach(uplink);
            await uplink.StartAsync(token).ConfigureAwait(false);
            Interlocked.Increment(ref connected);
        });
        var firstRefusal = (DateTime?)null;
        var lastWarning = DateTime.UtcNow;
        while (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)).ConfigureAwait(false) != all)
        {
            if (!refused.IsEmpty && (firstRefusal ??= DateTime.UtcNow) < DateTime.UtcNow - RefusalGrace)
            {
                await connecting.CancelAsync().ConfigureAwait(false);
                try
                {
                    await all.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                var ids = refused.Keys.Order(StringComparer.Ordinal).ToList();
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"the broker at {_options.MqttHost}:{_options.MqttPort} refused {ids.Count} device(s) ({refused.Values.First()}); check --Fleet:Secrets and the broker's devices file: {string.Join(", ", ids.Take(20))}{(ids.Count > 20 ? ", …" : "")}"));
            }
            if (DateTime.UtcNow - lastWarning >= TimeSpan.FromSeconds(10) && lastFailure is { } reason)
            {
                lastWarning = DateTime.UtcNow;
                _logger.LogWarning("waiting for the broker at {Host}:{Port}: {Connected} of {Devices} devices connected ({Reason})",
                    _options.MqttHost, _options.MqttPort, Volatile.Read(ref connected), work.Count, reason);
            }
        }
        await all.ConfigureAwait(false);
    }

    /// <summary>How long the first connects go on after the broker refused a device, to name the others it refuses too.</summary>
    private static readonly TimeSpan RefusalGrace = TimeSpan.FromSeconds(3);

    /// <param name="whileConnected">Give up as soon as no device is connected (stopping: a broker that went away with the cloud will not come back within the timeout).</param>
    private async Task DrainAsync(TimeSpan timeout, CancellationToken ct, bool whileConnected = false)
    {
        foreach (var o in AllOutboxes())
        {
            o.LinkUp = true;
        }
        var until = DateTime.UtcNow + timeout;
        while (PendingTotal() > 0 && DateTime.UtcNow < until)
        {
            if (whileConnected && !AllUplinks().Any(u => u.IsConnected))
            {
                return;
            }
            foreach (var u in AllUplinks())
            {
                u.Nudge();
            }
            await Task.Delay(20, ct).ConfigureAwait(false);
        }
    }

    private async Task StopAllAsync()
    {
        var uplinks = new List<Uplink>();
        foreach (var l in _luminaires)
        {
            if (l.Uplink is { } u)
            {
                uplinks.Add(u);
                l.Uplink = null;
            }
            l.Agent.Flush();
        }
        foreach (var h in _hotspots)
        {
            if (h.Uplink is { } u)
            {
                uplinks.Add(u);
                h.Uplink = null;
            }
        }
        await Parallel.ForEachAsync(uplinks, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (u, _) =>
        {
            try
            {
                await u.StopAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Add(ref _ackedByStopped, u.Published);
                await u.DisposeAsync().ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        foreach (var o in AllOutboxes())
        {
            o.Flush();
        }
    }

    private IEnumerable<GatedOutbox> AllOutboxes() => _luminaires.Select(l => l.Outbox).Concat(_hotspots.Select(h => h.Outbox));

    private IEnumerable<Uplink> AllUplinks() =>
        _luminaires.Select(l => l.Uplink).Concat(_hotspots.Select(h => h.Uplink)).OfType<Uplink>();

    /// <summary>Messages waiting in the outboxes; with <paramref name="sendableOnly"/>, only those whose simulated link is up (the ones the uplinks can drain now).</summary>
    private long PendingTotal(bool sendableOnly = false)
    {
        long n = 0;
        foreach (var o in AllOutboxes())
        {
            if (!sendableOnly || o.LinkUp)
            {
                n += o.PendingCount;
            }
        }
        return n;
    }

    private FleetProgress Snapshot(DateTimeOffset t)
    {
        long queued = 0, acked = Interlocked.Read(ref _ackedByStopped);
        foreach (var o in AllOutboxes())
        {
            queued += o.Queued;
        }
        foreach (var u in AllUplinks())
        {
            acked += u.Published;
        }
        acked = Math.Max(acked, _progress.Acked);
        return new FleetProgress(t, queued, acked, PendingTotal(), _luminaires.Count, _hotspots.Count, _pace?.RealElapsed ?? TimeSpan.Zero);
    }
}
