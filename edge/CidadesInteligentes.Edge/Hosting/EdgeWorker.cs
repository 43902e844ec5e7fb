using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CidadesInteligentes.Edge.Core.Agents;
using CidadesInteligentes.Edge.Core.Hotspot;
using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Edge.Core.Outbox;
using CidadesInteligentes.Mqtt.Transport;
using CidadesInteligentes.Telemetry.Contract;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Edge.Hosting;

/// <summary>
/// Runs one device: opens the durable outbox and the hardware, steps the luminaire control loop every second (or
/// probes the hotspot backhaul), reports every <c>Telemetry:IntervalSeconds</c>, and keeps the uplink to the broker.
/// </summary>
internal sealed class EdgeWorker(EdgeSettings settings, TimeProvider time, ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger("edge");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var identity = new DeviceIdentity(settings.Device.Id, settings.Device.City,
            settings.Device.Kind == "hotspot" ? DeviceKind.Hotspot : DeviceKind.Luminaire, settings.Device.Firmware);
        Directory.CreateDirectory(settings.Device.StateDirectory);
        using var outbox = new DurableOutboxAdapter(new DurableOutbox(new OutboxOptions(settings.Outbox.Directory, settings.Outbox.MaxMessages), time,
            loggers.CreateLogger("outbox")));
        var interval = TimeSpan.FromSeconds(settings.Telemetry.IntervalSeconds);
        var uplinkOptions = new UplinkOptions(settings.Mqtt.Host, settings.Mqtt.Port, settings.Mqtt.Password)
        {
            KeepAliveSeconds = (ushort)settings.Mqtt.KeepAliveSeconds,
            DrainPerSecond = settings.Outbox.DrainPerSecond,
            DrainBurst = Math.Max(10, settings.Outbox.DrainPerSecond * 2),
            Tls = settings.Mqtt.Tls ? TlsOptions(settings.Mqtt) : null,
            DescribeConnectFailure = DescribeConnectFailure,
        };
        EdgeLog.Starting(_logger, identity.KindText, identity.Id, settings.Device.City, settings.Mqtt.Host, settings.Mqtt.Port, outbox.PendingCount);
        if (identity.Kind == DeviceKind.Luminaire)
        {
            await RunLuminaireAsync(identity, outbox, interval, uplinkOptions, stoppingToken).ConfigureAwait(false);
        }
        else
        {
            await RunHotspotAsync(identity, outbox, interval, uplinkOptions, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// TLS to the broker: the host name is always checked; with <c>Mqtt:CaFile</c> the broker's chain must end at one
    /// of the certificates in that PEM file (a private CA) instead of the system's roots.
    /// Not inlined, and typed <see cref="MqttTls"/>: a plain-TCP agent then never loads the TLS and cryptography
    /// assemblies (docs/performance.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private MqttTls TlsOptions(MqttSettings mqtt)
    {
        var tls = new SslClientAuthenticationOptions { TargetHost = mqtt.Host };
        if (mqtt.CaFile is not { } caFile)
        {
            return new MqttTls(tls);
        }
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(caFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            EdgeLog.CaFileUnreadable(_logger, caFile, e.Message);
        }
        if (roots.Count == 0)
        {
            EdgeLog.CaFileEmpty(_logger, caFile);
        }
        else
        {
            EdgeLog.TrustingRoots(_logger, string.Join("; ", roots.Select(r => r.Subject)), caFile);
        }
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck, // a private CA rarely publishes a CRL the pole could reach
        };
        policy.CustomTrustStore.AddRange(roots);
        tls.CertificateChainPolicy = policy;
        return new MqttTls(tls);
    }

    /// <summary>
    /// Plain words for a broker certificate that is refused (wrong CA, wrong host name, expired): the uplink logs this
    /// instead of its generic message and keeps retrying, so the agent keeps running and queueing.
    /// </summary>
    private string? DescribeConnectFailure(Exception e) =>
        (e as AuthenticationException ?? e.InnerException as AuthenticationException) is { } tls
            ? $"TLS to the broker {settings.Mqtt.Host}:{settings.Mqtt.Port} refused: {tls.Message}; check Mqtt:CaFile (the CA that issued the broker's certificate) and Mqtt:Host (a name in that certificate)"
            : null;

    private async Task RunLuminaireAsync(DeviceIdentity identity, IOutbox outbox, TimeSpan interval, UplinkOptions uplinkOptions, CancellationToken stoppingToken)
    {
        var state = settings.Device.StateDirectory;
        using var hardware = EdgeHardware.Open(settings, time);
        var executor = new CommandExecutor(
            new ProgramStore(Path.Combine(state, "program.json")),
            new OverrideStore(Path.Combine(state, "override.json")),
            new CommandIdStore(Path.Combine(state, "commands.json"), logger: _logger),
            time);
        foreach (var p in executor.StoredProgramProblems)
        {
            EdgeLog.StoredProgramIgnored(_logger, p);
        }
        var agent = new LuminaireAgent(
            new LuminaireAgentOptions(identity, settings.Device.Latitude, settings.Device.Longitude, settings.Hardware.LedPowerW, interval,
                Path.Combine(state, "burn.seconds"), RunMarkerFile: Path.Combine(state, "agent.running")),
            hardware.Devices, outbox, executor, time);
        await using var uplink = new Uplink(agent, uplinkOptions, time, _logger);
        var start = uplink.StartAsync(stoppingToken); // retries until connected; the agent runs meanwhile
        var step = TimeSpan.FromSeconds(Math.Min(1, interval.TotalSeconds));
        var schedule = ReportSchedule.For(settings, time.GetUtcNow());
        agent.Step(time.GetUtcNow());
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(step, time, stoppingToken).ConfigureAwait(false);
                var now = time.GetUtcNow();
                var pendingBefore = agent.Outbox.PendingCount;
                agent.Step(now);
                if (agent.Outbox.PendingCount > pendingBefore)
                {
                    uplink.Nudge(); // a fault event raised or cleared in this step goes out now, not at the next poll
                }
                if (schedule.TryTake(now, out _))
                {
                    agent.Report(now);
                    uplink.Nudge();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Shutdown(start, uplink).ConfigureAwait(false);
        agent.Flush();
    }

    private async Task RunHotspotAsync(DeviceIdentity identity, IOutbox outbox, TimeSpan interval, UplinkOptions uplinkOptions, CancellationToken stoppingToken)
    {
        using var http = ProbeHttpClient.Create();
        using var unique = new UniqueClientCounter(time);
        IHotspotSource source;
        if (settings.Hardware.Mode == "Simulated")
        {
            source = new SimulatedHotspotSource();
        }
        else
        {
            var h = settings.Hotspot;
            var targets = new List<ProbeTarget>(h.ProbeTargets.Count);
            foreach (var t in h.ProbeTargets)
            {
                var colon = t.LastIndexOf(':');
                targets.Add(new ProbeTarget(t[..colon], int.Parse(t[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
            }
            var started = time.GetUtcNow();
            source = new HotspotSamplerSource(new HotspotSampler(
                new HotspotSamplerSettings(targets, h.PortalUrl ?? new Uri("http://127.0.0.1/"), PortalExpectedBodyContains: h.PortalMarker,
                    ThroughputDownloadUrl: h.ThroughputUrl, DnsNames: h.DnsNames),
                h.StationSource == "hostapd" ? CommandStationSource.Hostapd(h.WifiInterface, _logger) : CommandStationSource.Iw(h.WifiInterface, _logger),
                new WanCounterReader(h.WanInterface, Path.Combine(settings.Hardware.SysfsRoot, "class/net")),
                unique,
                new HotspotProbes(new TcpProbe(time, TimeSpan.FromSeconds(3)), new CaptivePortalProbe(http), new ThroughputProbe(http, time),
                    new DnsProbe(time, TimeSpan.FromSeconds(3))),
                () => (long)(time.GetUtcNow() - started).TotalSeconds,
                time));
        }
        var agent = new HotspotAgent(identity, outbox, source, time, interval);
        await using var uplink = new Uplink(agent, uplinkOptions, time, _logger);
        var start = uplink.StartAsync(stoppingToken); // retries until connected; the agent runs meanwhile
        var probeEvery = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, interval.Ticks / 4));
        var schedule = ReportSchedule.For(settings, time.GetUtcNow());
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(probeEvery, time, stoppingToken).ConfigureAwait(false);
                await source.ProbeAsync(stoppingToken).ConfigureAwait(false);
                if (schedule.TryTake(time.GetUtcNow(), out var throughput))
                {
                    await agent.ReportAsync(throughput, stoppingToken).ConfigureAwait(false);
                    uplink.Nudge();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Shutdown(start, uplink).ConfigureAwait(false);
    }

    private async Task Shutdown(Task start, Uplink uplink)
    {
        try
        {
            await start.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // never connected: nothing to say goodbye to
        }
        EdgeLog.Stopping(_logger);
        await uplink.StopAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
    }
}
