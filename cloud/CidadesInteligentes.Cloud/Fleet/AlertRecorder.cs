using System.Threading.Channels;
using CidadesInteligentes.Cloud.Storage;

namespace CidadesInteligentes.Cloud.Fleet;

/// <summary>
/// Keeps the alerts table in step with the fleet view: every opened, re-opened or closed alert is saved shortly after
/// (in the background: the change is raised on the ingest commit loop, which must not wait for a disk write), and at
/// shutdown every alert is saved once more so repeat counts are kept too. On the next start the host restores them
/// (<see cref="SqliteStore.LoadAlerts"/>), so an open alert stays open with its id instead of being forgotten or
/// opened a second time.
/// </summary>
internal sealed class AlertRecorder : BackgroundService
{
    private readonly FleetState _fleet;
    private readonly SqliteStore _store;
    private readonly ILogger _log;
    private readonly Channel<Alert> _changes = Channel.CreateUnbounded<Alert>(new UnboundedChannelOptions { SingleReader = true });

    public AlertRecorder(FleetState fleet, SqliteStore store, ILogger<AlertRecorder> log)
    {
        _fleet = fleet;
        _store = store;
        _log = log;
        _fleet.AlertChanged += OnChanged;
    }

    /// <summary>Alert changes saved so far.</summary>
    public long Saved { get; private set; }

    private void OnChanged(Alert a) => _changes.Writer.TryWrite(a);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new Dictionary<long, Alert>();
        try
        {
            while (await _changes.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                while (_changes.Reader.TryRead(out var a))
                {
                    batch[a.Id] = a; // the latest state of each alert
                }
                await SaveAsync(batch.Values, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping: StopAsync saves everything
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _fleet.AlertChanged -= OnChanged;
        try
        {
            await base.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the host's stop time ran out while the loop was ending: the final save below still runs
        }
        // a short local write, not bounded by the host's shutdown token: a stop that comes late (another service took
        // the time) must not lose the alerts' repeat counts and closings
        await SaveAsync(_fleet.Alerts(null, null), CancellationToken.None).ConfigureAwait(false);
    }

    private async Task SaveAsync(IReadOnlyCollection<Alert> alerts, CancellationToken ct)
    {
        try
        {
            await _store.SaveAlertsAsync(alerts, ct).ConfigureAwait(false);
            Saved += alerts.Count;
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or IOException)
        {
            // the fleet view still has them; they are saved again at the next change or at shutdown
            _log.LogWarning("Could not save {Count} alert(s): {Error}", alerts.Count, e.Message);
        }
    }
}
