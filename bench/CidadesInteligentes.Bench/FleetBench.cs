using System.Diagnostics;
using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Telemetry.Contract;

/// <summary>
/// The fleet view at state scale (<c>bench -- fleet [devices]</c>): devices spread over the 645 municipalities, each
/// registered and reporting once; then the heartbeat sweep (every 5 s in the cloud) and the per-city online counts that
/// <c>/api/cities</c> and <c>/api/state</c> make, timed (median of 5 after one warm-up) in wall and process CPU time.
/// </summary>
internal static class FleetBench
{
    public static void Run(int devices)
    {
        var cities = CidadesInteligentes.Telemetry.Municipalities.All.Keys.ToArray();
        var fleet = new FleetState(TimeSpan.FromMinutes(5));
        var now = DateTimeOffset.UtcNow;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < devices; i++)
        {
            var city = cities[i % cities.Length];
            var id = $"d{city}-lum-{i / cities.Length:D6}";
            fleet.Register(id, city, "luminaire", -22.5, -47.5, null, "c1");
            fleet.Apply(new TopicName(city, DeviceKind.Luminaire, id, TopicStream.Telemetry),
                new LuminaireTelemetry { V = 1, Seq = 1, Ts = now, EnergyWh = 100, BurnSeconds = 60, VoltageV = 220, LampOn = true }, now);
        }
        Console.WriteLine($"fleet: {devices:N0} devices in {cities.Length} cities registered and reporting in {sw.Elapsed.TotalSeconds:N1} s; "
            + $"managed heap {GC.GetTotalMemory(forceFullCollection: true) / 1e6:N0} MB");
        fleet.FullSweepEvery = TimeSpan.Zero;
        Report("heartbeat sweep, whole fleet", () => fleet.Sweep(now.AddSeconds(10)));
        // as in the field: every 5 s a sweep, between two sweeps the 1/180 of the fleet whose 15-minute report falls due
        fleet.FullSweepEvery = TimeSpan.FromMinutes(10);
        var t = now.AddSeconds(10);
        fleet.Sweep(t);
        var next = 0;
        var perSweep = devices / 180;
        var evaluated = new List<int>();
        Report($"heartbeat sweep, only what changed ({perSweep:N0} devices reported since the last one)", () =>
        {
            fleet.Sweep(t);
            evaluated.Add(fleet.LastSweep.Full ? -1 : fleet.LastSweep.Devices);
        }, prepare: () =>
        {
            t = t.AddSeconds(5);
            for (var k = 0; k < perSweep; k++, next++)
            {
                var city = cities[next % devices % cities.Length];
                var id = $"d{city}-lum-{next % devices / cities.Length:D6}";
                fleet.Apply(new TopicName(city, DeviceKind.Luminaire, id, TopicStream.Telemetry),
                    new LuminaireTelemetry { V = 1, Seq = 2 + next / devices, Ts = t, EnergyWh = 100, BurnSeconds = 60, VoltageV = 220, LampOn = true }, t);
            }
        });
        Console.WriteLine($"devices evaluated per partial sweep: {string.Join(", ", evaluated)} (-1: a whole-fleet sweep)");
        Report("online and total per city (the /api/cities and /api/state pass)", () => _ = fleet.CountByCity().Count);
    }

    private static void Report(string what, Action action, Action? prepare = null)
    {
        var times = new List<(double Wall, double Cpu)>();
        for (var i = 0; i < 6; i++)
        {
            prepare?.Invoke();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            action();
            times.Add((sw.Elapsed.TotalMilliseconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds));
        }
        var rest = times.Skip(1).ToList();
        Console.WriteLine($"{what}: median {rest.Select(t => t.Wall).Order().ElementAt(2):N0} ms wall / {rest.Select(t => t.Cpu).Order().ElementAt(2):N0} ms CPU");
    }
}
