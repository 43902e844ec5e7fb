using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Cloud.Influx;

/// <summary>
/// Hosted service that copies every stored message to InfluxDB v1 (<c>--Influx:Url</c>) through the batching
/// <see cref="InfluxWriter"/>. The series store is a copy for dashboards: if InfluxDB is slow or down, lines wait in the
/// writer's bounded queue; when that is full they are counted as not copied and ingestion itself never waits.
/// </summary>
internal sealed class InfluxSink : IHostedService, IAsyncDisposable
{
    private readonly Ingestor _ingestor;
    private readonly ILogger<InfluxSink> _log;
    private readonly InfluxWriter _writer;
    private readonly HttpClient _http;
    private readonly InfluxPrecision _precision = InfluxPrecision.Milliseconds;
    private long _notCopied;
    private long _unmapped;

    public InfluxSink(Hosting.CloudSettings settings, Ingestor ingestor, TimeProvider time, ILogger<InfluxSink> log, ILogger<InfluxWriter> writerLog)
    {
        _ingestor = ingestor;
        _log = log;
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        if (settings.Influx.Username is { } user)
        {
            _http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{settings.Influx.Password}")));
        }
        _writer = new InfluxWriter(new InfluxSettings(settings.Influx.Url!, settings.Influx.Database) { Precision = _precision }, _http, time, writerLog);
    }

    public InfluxCounters Counters => _writer.Counters;

    public long NotCopied => Interlocked.Read(ref _notCopied);

    public long Unmapped => Interlocked.Read(ref _unmapped);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _writer.Http.CreateDatabaseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            _log.LogWarning("InfluxDB not reachable at start ({Error}); lines are queued and retried", e.Message);
        }
        _ingestor.Stored += OnStored;
    }

    private void OnStored(IngestedMessage m)
    {
        var w = new LineProtocolWriter();
        var ok = m.Payload switch
        {
            LuminaireTelemetry l => InfluxMapping.TryWrite(w, m.Topic, l, _precision, m.ReceivedAt),
            HotspotTelemetry h => InfluxMapping.TryWrite(w, m.Topic, h, _precision, m.ReceivedAt),
            DeviceEvent e => InfluxMapping.TryWrite(w, m.Topic, e, _precision, m.ReceivedAt),
            DeviceStatus s => InfluxMapping.TryWrite(w, m.Topic, s, _precision, m.ReceivedAt),
            _ => false,
        };
        if (!ok)
        {
            Interlocked.Increment(ref _unmapped);
            return;
        }
        if (!_writer.TryWrite(w.LastLine()))
        {
            Interlocked.Increment(ref _notCopied);
        }
    }

    /// <summary>How long stopping waits for queued lines to reach InfluxDB.</summary>
    private static readonly TimeSpan StopFlushTimeout = TimeSpan.FromSeconds(5);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _ingestor.Stored -= OnStored;
        // a few seconds, never the host's whole shutdown time: while InfluxDB is down the flush would never end, and
        // the services stopped after this one (the broker, the alert recorder) would get no time of their own
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(StopFlushTimeout);
        try
        {
            await _writer.FlushAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _log.LogWarning("InfluxDB did not take the {Count} queued line(s) while stopping; they are not copied (SQLite keeps every message)", _writer.Counters.Queued + _writer.Buffered);
        }
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // registered both as itself and as a hosted service: the container disposes it twice
        }
        await _writer.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
    }
}
