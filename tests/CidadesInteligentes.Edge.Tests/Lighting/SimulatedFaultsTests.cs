using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Edge.Hardware;
using CidadesInteligentes.Edge.Hardware.Simulated;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Lighting;

/// <summary>Controller → simulated hardware → real drivers → fault detector, one reading a minute.</summary>
public sealed class SimulatedFaultsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ci-simfault-" + Guid.NewGuid().ToString("N"));

    public SimulatedFaultsTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(LuminaireFaults.LampFailure, 23, EventTypes.LampFailure)]
    [InlineData(LuminaireFaults.DayBurning, 12, EventTypes.LampUnexpectedOn)]
    [InlineData(LuminaireFaults.Cycling, 23, EventTypes.CyclingFailure)]
    [InlineData(LuminaireFaults.NoPower, 23, EventTypes.SupplyLoss)]
    public void Injected_fault_is_detected(LuminaireFaults fault, int localHour, string expected)
    {
        // São Carlos, 2026-11-22 (UTC−3); hour 23 is night (lamp on at 70 %), hour 12 is day (lamp off).
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, localHour, 0, 0, TimeSpan.FromHours(-3)));
        var model = new LedPowerModel(100);
        using var lum = new SimulatedLuminaire(model, new EnergyRegister(Path.Combine(_dir, "e.wh")), time);
        var controller = new DimmingController(DimmingProgram.Default(), -22.0175, -47.8908);
        var detector = new FaultDetector(new FaultDetectorOptions(model));
        lum.Faults = fault;

        var events = new List<FaultTransition>();
        for (var minute = 0; minute < 40 && !events.Exists(e => e.Type == expected); minute++)
        {
            Assert.True(lum.LightSensor.TryReadLux(out var lux));
            var decision = controller.Decide(time.GetUtcNow(), lux, null);
            lum.Relay.Set(decision.LampOn);
            if (decision.LampOn)
            {
                lum.Dimmer.SetLevel(decision.DimPercent);
            }
            Assert.True(lum.Meter.TryRead(out var r));
            events.AddRange(detector.Evaluate(new LuminaireSample(time.GetUtcNow(), decision.LampOn, decision.DimPercent, r.PowerW, r.VoltageV)));
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Contains(new FaultTransition(expected, true, default, string.Empty), events, SameFault.Instance);
        if (fault == LuminaireFaults.Cycling)
        {
            // Each 2-minute dark phase is also two dark readings: lampFailure raises and clears along the way.
            Assert.Contains(new FaultTransition(EventTypes.LampFailure, true, default, string.Empty), events, SameFault.Instance);
        }
        else
        {
            Assert.Single(events);
        }
    }

    private sealed class SameFault : IEqualityComparer<FaultTransition>
    {
        public static readonly SameFault Instance = new();

        public bool Equals(FaultTransition x, FaultTransition y) => x.Type == y.Type && x.Active == y.Active;

        public int GetHashCode(FaultTransition obj) => HashCode.Combine(obj.Type, obj.Active);
    }

    [Fact]
    public void Healthy_lamp_raises_nothing_through_a_night_and_meters_its_energy()
    {
        // 18:00 → 06:00 local: on 18:26 (dim 100), 22:00 70 %, 00:30 50 %, 05:00 100 %, off 05:29.
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 18, 0, 0, TimeSpan.FromHours(-3)));
        var model = new LedPowerModel(100);
        using var lum = new SimulatedLuminaire(model, new EnergyRegister(Path.Combine(_dir, "e.wh")), time);
        var controller = new DimmingController(DimmingProgram.Default(), -22.0175, -47.8908);
        var detector = new FaultDetector(new FaultDetectorOptions(model));
        var events = new List<FaultTransition>();
        PowerReading r = default;
        for (var minute = 0; minute < 12 * 60; minute++)
        {
            var decision = controller.Decide(time.GetUtcNow(), null, null);
            lum.Relay.Set(decision.LampOn);
            lum.Dimmer.SetLevel(decision.LampOn ? decision.DimPercent : 0);
            Assert.True(lum.Meter.TryRead(out r));
            events.AddRange(detector.Evaluate(new LuminaireSample(time.GetUtcNow(), decision.LampOn, decision.DimPercent, r.PowerW, r.VoltageV)));
            time.Advance(TimeSpan.FromMinutes(1));
        }
        Assert.Empty(events);
        // By hand: 18:26–22:00 at 100 W (3.57 h → 357 Wh), 22:00–00:30 at 73 W (2.5 h → 182.5 Wh),
        // 00:30–05:00 at 55 W (4.5 h → 247.5 Wh), 05:00–05:29 at 100 W (0.48 h → 48 Wh): ≈ 835 Wh; the minute
        // sampling and trapezoid edges move it by about one minute of 100 W (±2 Wh).
        Assert.Equal(835, r.EnergyWh, 5.0);
    }
}
