using CidadesInteligentes.Edge.Core.Hotspot;
using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Edge.Core.Agents;

/// <summary>Where a hotspot agent gets one interval's telemetry (the real <see cref="HotspotSampler"/> or a simulator).</summary>
public interface IHotspotSource
{
    /// <summary>Runs between reports (backhaul probes); may do nothing.</summary>
    Task ProbeAsync(CancellationToken cancellationToken);

    /// <summary>Summarises the interval; <c>seq</c> and <c>ts</c> are set by the agent.</summary>
    Task<HotspotTelemetry> SampleAsync(bool runThroughput, CancellationToken cancellationToken);

    /// <summary>Why the last sample's backhaul was down (the <c>backhaulDown</c> event detail); null for the default.</summary>
    string? BackhaulDownCause => null;
}

/// <summary><see cref="IHotspotSource"/> over the real probes.</summary>
public sealed class HotspotSamplerSource(HotspotSampler sampler) : IHotspotSource
{
    public Task ProbeAsync(CancellationToken cancellationToken) => sampler.ProbeBackhaulAsync(cancellationToken);

    public Task<HotspotTelemetry> SampleAsync(bool runThroughput, CancellationToken cancellationToken) =>
        sampler.SampleAsync(runThroughput, cancellationToken);

    public string? BackhaulDownCause => sampler.BackhaulDownCause;
}

/// <summary>
/// One Wi-Fi hotspot: queues telemetry per interval and raises/clears <c>backhaulDown</c> and <c>portalDown</c>
/// when those flip. Commands: only <c>requestStatus</c> applies; others are rejected, repeats answered once.
/// Thread-safe.
/// </summary>
public sealed class HotspotAgent(DeviceIdentity identity, IOutbox outbox, IHotspotSource? source, TimeProvider time, TimeSpan? telemetryInterval = null)
    : IDeviceAgent
{
    private const int RememberedCommands = 256;
    private readonly object _gate = new();
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private readonly Dictionary<string, string> _handled = new(StringComparer.Ordinal);
    private readonly Queue<string> _handledOrder = new();
    private readonly HashSet<string> _active = new(StringComparer.Ordinal);
    private HotspotTelemetry? _last;

    public DeviceIdentity Identity { get; } = identity.Kind == DeviceKind.Hotspot
        ? identity
        : throw new ArgumentException("a hotspot agent needs a hotspot identity", nameof(identity));

    public IOutbox Outbox => outbox;

    public TimeProvider Time => time;

    public TimeSpan TelemetryInterval => telemetryInterval ?? TimeSpan.FromSeconds(60);

    public IReadOnlyCollection<string> ActiveConditions
    {
        get { lock (_gate) { return [.. _active]; } }
    }

    public event Action? StatusRequested;

    /// <summary>Agent uptime in seconds of device time.</summary>
    public long UptimeSeconds => Math.Max(0, (long)(time.GetUtcNow() - _started).TotalSeconds);

    /// <summary>Samples the source and queues telemetry (plus any condition events).</summary>
    public async Task<OutboxMessageInfo> ReportAsync(bool runThroughput, CancellationToken cancellationToken)
    {
        var src = source ?? throw new InvalidOperationException("no hotspot source: call Report with a sample");
        var sample = await src.SampleAsync(runThroughput, cancellationToken).ConfigureAwait(false);
        return Report(time.GetUtcNow(), sample, src.BackhaulDownCause);
    }

    /// <summary>
    /// Queues <paramref name="sample"/> as this interval's telemetry stamped <paramref name="now"/>;
    /// <paramref name="backhaulDownCause"/> becomes the detail of a raised <c>backhaulDown</c>.
    /// </summary>
    public OutboxMessageInfo Report(DateTimeOffset now, HotspotTelemetry sample, string? backhaulDownCause = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        lock (_gate)
        {
            sample.V = 1;
            sample.Seq = null;
            sample.Ts = now;
            sample.UptimeS ??= Math.Max(0, (long)(now - _started).TotalSeconds);
            Track(EventTypes.BackhaulDown, sample.BackhaulUp == false, now, backhaulDownCause ?? "no probe target answered", "backhaul reachable again");
            Track(EventTypes.PortalDown, sample.PortalOk == false, now, "captive portal did not answer with its page", "captive portal answering again");
            _last = sample;
            var m = outbox.Enqueue(OutboxStreams.Telemetry, Identity.Topic(TopicStream.Telemetry), sample, TelemetryJson.Default.HotspotTelemetry);
            return new OutboxMessageInfo(m.Stream, m.Seq, m.Ts);
        }
    }

    public void HandleCommand(DeviceCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (string.IsNullOrWhiteSpace(command.Id))
        {
            return;
        }
        var now = time.GetUtcNow();
        string result;
        string? detail = null;
        var requested = false;
        lock (_gate)
        {
            if (_handled.TryGetValue(command.Id, out var previous))
            {
                (result, detail) = (previous, "already handled");
            }
            else
            {
                if (command.ExpiresAt is { } exp && exp <= now)
                {
                    result = CommandResults.Expired;
                }
                else if (command.V != 1)
                {
                    (result, detail) = (CommandResults.Rejected, "unsupported version");
                }
                else if (command.Type == CommandTypes.RequestStatus)
                {
                    result = CommandResults.Ok;
                    requested = true;
                }
                else
                {
                    (result, detail) = (CommandResults.Rejected, "command '" + command.Type + "' does not apply to a hotspot");
                }
                _handled[command.Id] = result;
                _handledOrder.Enqueue(command.Id);
                if (_handledOrder.Count > RememberedCommands)
                {
                    _handled.Remove(_handledOrder.Dequeue());
                }
            }
            var ack = new CommandAck { V = 1, Ts = now, Id = command.Id, Result = result, Detail = detail };
            outbox.Enqueue(OutboxStreams.CommandAck, Identity.Topic(TopicStream.CommandAck), ack, TelemetryJson.Default.CommandAck);
            if (requested && _last is { } last)
            {
                var again = new HotspotTelemetry
                {
                    Ts = now,
                    UptimeS = Math.Max(0, (long)(now - _started).TotalSeconds),
                    BackhaulUp = last.BackhaulUp,
                    PortalOk = last.PortalOk,
                    Clients = last.Clients,
                    UniqueClientsToday = last.UniqueClientsToday,
                    RxBytes = last.RxBytes,
                    TxBytes = last.TxBytes,
                };
                outbox.Enqueue(OutboxStreams.Telemetry, Identity.Topic(TopicStream.Telemetry), again, TelemetryJson.Default.HotspotTelemetry);
            }
        }
        if (requested)
        {
            StatusRequested?.Invoke();
        }
    }

    public void RaiseEvent(string type, bool active, string? detail)
    {
        lock (_gate)
        {
            Enqueue(type, active, time.GetUtcNow(), detail);
        }
    }

    private void Track(string type, bool bad, DateTimeOffset now, string raiseDetail, string clearDetail)
    {
        if (bad && _active.Add(type))
        {
            Enqueue(type, true, now, raiseDetail);
        }
        else if (!bad && _active.Remove(type))
        {
            Enqueue(type, false, now, clearDetail);
        }
    }

    private void Enqueue(string type, bool active, DateTimeOffset ts, string? detail) =>
        outbox.Enqueue(OutboxStreams.Event, Identity.Topic(TopicStream.Event),
            new DeviceEvent { V = 1, Ts = ts, Type = type, Active = active, Detail = detail }, TelemetryJson.Default.DeviceEvent);
}
