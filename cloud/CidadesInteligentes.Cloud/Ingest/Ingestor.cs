using System.Text;
using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Cloud.Live;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Broker;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Cloud.Ingest;

/// <summary>A stored message handed to the sinks that follow the store (InfluxDB, live dashboard).</summary>
internal sealed record IngestedMessage(TopicName Topic, object Payload, DateTimeOffset ReceivedAt);

/// <summary>
/// Turns MQTT messages into stored rows. Every message is validated against the contract; the publishing device
/// must be the one the topic names; rejects go to the dead-letter table with their reason and a counter; valid
/// messages are stored once per (device, stream, seq) through group commits. The broker acknowledges a QoS 1
/// PUBLISH only after <see cref="OnPublishAsync"/> completes, so an acknowledged message is durably stored.
/// </summary>
internal sealed class Ingestor : IBrokerMessageSink, IAsyncDisposable
{
    private readonly SqliteStore _store;
    private readonly FleetState _fleet;
    private readonly LiveHub _live;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly GroupCommitter<IngestItem, StoreOutcome> _committer;

    public Ingestor(SqliteStore store, FleetState fleet, LiveHub live, IngestCounters counters, TimeProvider time, ILogger log, TimeSpan maxAge, bool checkIdentity)
    {
        _store = store;
        _fleet = fleet;
        _live = live;
        Counters = counters;
        _time = time;
        _log = log;
        MaxAge = maxAge;
        CheckIdentity = checkIdentity;
        _committer = new GroupCommitter<IngestItem, StoreOutcome>(_store.StoreBatchAsync, maxBatch: 2_000, capacity: 20_000);
    }

    public IngestCounters Counters { get; }

    public TimeSpan MaxAge { get; }

    /// <summary>When true (device credentials configured), the MQTT username must equal the device named by the topic.</summary>
    public bool CheckIdentity { get; }

    public long Batches => _committer.Batches;

    // one counter per city, bumped in place (a lock-free lookup and an increment per stored message)
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Runtime.CompilerServices.StrongBox<long>> _cityVersions = new(StringComparer.Ordinal);

    /// <summary>Changes whenever a message of <paramref name="city"/> is stored (cache key for computed months).</summary>
    public long CityVersion(string city) => _cityVersions.TryGetValue(city, out var v) ? Interlocked.Read(ref v.Value) : 0;

    public int Queued => _committer.Queued;

    /// <summary>Null while messages can be committed; otherwise why not (the commit loop faulted or was stopped).</summary>
    public string? CommitLoopProblem => _committer.LoopProblem;

    /// <summary>The store's error when the latest commit failed; null again once a commit succeeds.</summary>
    public Exception? LastCommitError => _committer.LastCommitError;

    /// <summary>Raised after each message is stored (not for duplicates or rejects), in commit order per connection.</summary>
    public event Action<IngestedMessage>? Stored;

    public ValueTask<byte> OnPublishAsync(BrokerClient client, BrokerMessage message, CancellationToken ct) =>
        IngestAsync(CheckIdentity ? client.Username ?? client.ClientId : null, client.ClientId, message.Topic, message.Payload, ct);

    public void OnWillPublished(BrokerClient client, BrokerMessage will)
    {
        Counters.OnWill();
        // The will is a Status message like any other: validate and store it, without blocking the broker.
        _ = IngestAsync(CheckIdentity ? client.Username ?? client.ClientId : null, client.ClientId, will.Topic, will.Payload, CancellationToken.None).AsTask();
    }

    /// <summary>
    /// Validates and stores one message. <paramref name="identity"/> is the authenticated device id (null when the
    /// transport already enforced it, e.g. an external broker with its own ACL). Returns an MQTT reason code:
    /// success when stored, duplicate or dead-lettered (the device must not resend those); an error only when the
    /// store failed, so the message is not acknowledged and the device sends it again. A <paramref name="payload"/> that is a
    /// whole array is kept as it is (not copied) until stored: the caller must not change it afterwards.
    /// </summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<byte> IngestAsync(string? identity, string? client, string topic, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        Counters.OnReceived();
        var now = _time.GetUtcNow();
        var result = TelemetryValidator.Validate(topic, payload.Span, now, MaxAge);
        IngestItem item;
        if (!result.IsValid)
        {
            item = DeadLetter(result.Reason!, result.Describe(), topic, client, payload, now);
        }
        else if (identity is not null && !string.Equals(identity, result.Topic.Device, StringComparison.Ordinal))
        {
            Counters.OnSecurityEvent();
            item = DeadLetter(RejectReasons.Identity, $"identity: device '{identity}' published to a topic of device '{result.Topic.Device}'", topic, client, payload, now);
        }
        else
        {
            item = ToItem(result, payload, now);
        }

        StoreOutcome outcome;
        try
        {
            outcome = await _committer.SubmitAsync(item, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Counters.OnStoreError();
            _log.LogWarning("Could not store a message on {Topic}: {Error}; it is not acknowledged and will be resent", topic, e.Message);
            return ReasonCodes.UnspecifiedError;
        }
        switch (outcome)
        {
            case StoreOutcome.Stored:
                Counters.OnStored();
                Interlocked.Increment(ref _cityVersions.GetOrAdd(result.Topic.City, static _ => new(0)).Value);
                _fleet.Apply(result.Topic, result.Payload!, now);
                // the sinks' record is made only when a sink listens (InfluxDB configured, a dashboard connected)
                var stored = Stored;
                if (stored is not null || _live.Subscribers > 0)
                {
                    var ingested = new IngestedMessage(result.Topic, result.Payload!, now);
                    Publish(ingested, item.Payload);
                    stored?.Invoke(ingested);
                }
                break;
            case StoreOutcome.Duplicate:
                Counters.OnDuplicate();
                break;
            default:
                Counters.OnRejected(item.Reason!);
                _log.LogInformation("Rejected message on {Topic} from {Client}: {Detail}", topic, client, item.Detail);
                break;
        }
        return ReasonCodes.Success;
    }

    private static readonly TimeZoneInfo SaoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");

    private static IngestItem DeadLetter(string reason, string detail, string topic, string? client, ReadOnlyMemory<byte> payload, DateTimeOffset now) =>
        new(IngestItemKind.DeadLetter, "", "", 0, "", "", default, now, [], Topic: topic, Client: client, Reason: reason, Detail: detail,
            RawPayload: payload.Length <= 64 * 1024 ? payload.ToArray() : payload[..(64 * 1024)].ToArray());

    /// <summary>The last UTC hour converted to a local date (the São Paulo offset only changes on whole hours).</summary>
    private static volatile Tuple<long, string>? _lastHour;

    /// <summary>The São Paulo calendar date of <paramref name="ts"/> (the daily roll-up key), cached per UTC hour.</summary>
    internal static string LocalDate(DateTimeOffset ts)
    {
        var hour = ts.UtcTicks / TimeSpan.TicksPerHour;
        if (_lastHour is { } last && last.Item1 == hour)
        {
            return last.Item2;
        }
        var date = TimeZoneInfo.ConvertTime(ts, SaoPaulo).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        _lastHour = Tuple.Create(hour, date);
        return date;
    }

    private static IngestItem ToItem(ValidationResult r, ReadOnlyMemory<byte> payload, DateTimeOffset now)
    {
        var t = r.Topic;
        var json = Owned(payload);
        var kind = TopicName.KindText(t.Kind);
        if (r.Payload is DeviceStatus s)
        {
            return new IngestItem(IngestItemKind.Status, t.Device, t.StreamKey, 0, t.City, kind, s.Ts ?? default, now, json, State: s.State);
        }
        var ack = r.Payload as CommandAck;
        var lum = r.Payload as LuminaireTelemetry;
        var hot = r.Payload as HotspotTelemetry;
        var localDate = LocalDate(r.Ts!.Value);
        return new IngestItem(IngestItemKind.Message, t.Device, t.StreamKey, r.Seq!.Value, t.City, kind, r.Ts!.Value, now, json,
            AckId: ack?.Id, AckResult: ack?.Result, AckDetail: ack?.Detail, EnergyWh: lum?.EnergyWh, BurnSeconds: lum?.BurnSeconds,
            LocalDate: localDate, BackhaulUp: hot?.BackhaulUp, PortalOk: hot?.PortalOk, Clients: hot?.Clients, UniqueClients: hot?.UniqueClientsToday,
            Hotspot: hot);
    }

    /// <summary>
    /// The payload as an array the item may keep: the array itself when the memory is a whole array (the MQTT decoders
    /// copy every payload out of their read buffers into one of its own, never reused), otherwise a copy.
    /// </summary>
    internal static byte[] Owned(ReadOnlyMemory<byte> payload) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(payload, out var whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length
            ? whole.Array
            : payload.ToArray();

    private void Publish(IngestedMessage m, byte[] json)
    {
        if (_live.Subscribers == 0)
        {
            return;
        }
        var evt = m.Payload switch
        {
            DeviceStatus => "status",
            CommandAck => "ack",
            DeviceEvent => "event",
            _ => "telemetry",
        };
        _live.Publish(new LiveUpdate(evt, m.Topic.City,
            $"{{\"device\":\"{m.Topic.Device}\",\"city\":\"{m.Topic.City}\",\"kind\":\"{TopicName.KindText(m.Topic.Kind)}\",\"payload\":{Encoding.UTF8.GetString(json)}}}"));
    }

    public ValueTask DisposeAsync() => _committer.DisposeAsync();
}
