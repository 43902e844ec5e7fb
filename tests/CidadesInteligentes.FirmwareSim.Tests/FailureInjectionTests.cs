using CidadesInteligentes.Edge.Hardware.Simulated;
using CidadesInteligentes.FirmwareSim.Faults;
using CidadesInteligentes.FirmwareSim.Physics;
using Xunit;

namespace CidadesInteligentes.FirmwareSim.Tests;

public class FailureInjectionTests
{
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 3, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(15);

    [Fact]
    public void Start_rate_matches_the_configured_rate_with_a_fixed_seed()
    {
        // 2 000 luminaires × 30 days at 0.01 lamp failures a day → expected 600 starts (σ ≈ √600 ≈ 25). Each failure
        // lasts 1–5 days, so a lamp is unavailable for new starts for part of the month; at most a few % fewer.
        var rates = FailureRates.None with { LampFailurePerDay = 0.01 };
        var starts = CountStarts(rates, seed: 42);
        Assert.InRange(starts, 480, 640);
        Assert.Equal(starts, CountStarts(rates, seed: 42)); // same seed, same failures
        Assert.NotEqual(starts, CountStarts(rates, seed: 43));
    }

    [Fact]
    public void Zero_rates_inject_nothing()
    {
        Assert.Equal(0, CountStarts(FailureRates.None, seed: 1));
    }

    [Fact]
    public void Outage_lasts_between_its_bounds()
    {
        // rate 1000/day: starts in the first 15-min step with probability 1 − e^(−1000/96) ≈ 1
        var p = new OutageProcess(new SimRandom(5), 1000, TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        var t = Start;
        Assert.True(p.Step(t, Step));
        var until = p.ActiveUntil!.Value;
        Assert.InRange(until - Start, TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        while (t + Step <= until)
        {
            t += Step;
            Assert.True(p.Step(t, Step));
        }
        Assert.Equal(1, p.Started);
    }

    [Fact]
    public void Supply_loss_of_a_circuit_darkens_every_luminaire_on_it_and_only_those()
    {
        var injector = new FailureInjector(FailureRates.None, 3);
        injector.SupplyLoss("sc-c01").Force(Start, TimeSpan.FromHours(1));
        injector.SupplyLoss("sc-c01").Step(Start, Step);
        Assert.Equal(LuminaireFaults.NoPower, injector.StepLuminaire("sc-lum-000001", "sc-c01", Start, Step));
        Assert.Equal(LuminaireFaults.NoPower, injector.StepLuminaire("sc-lum-000009", "sc-c01", Start, Step));
        Assert.Equal(LuminaireFaults.None, injector.StepLuminaire("sc-lum-000002", "sc-c02", Start, Step));
    }

    [Fact]
    public void Non_compliant_hotspot_is_down_far_more_than_a_normal_one()
    {
        var injector = new FailureInjector(new FailureRates(), 11);
        injector.MarkNonCompliant("sc-wifi-05");
        var bad = injector.Backhaul("sc-wifi-05");
        var good = injector.Backhaul("sc-wifi-01");
        for (var t = Start; t < Start.AddDays(30); t += Step)
        {
            bad.Step(t, Step);
            good.Step(t, Step);
        }
        // non-compliant: ~2 outages/day × 3.5 h ≈ 7 h/day down (≈ 29 %); normal: 0.05/day × 25 min ≈ 0.1 %
        var badShare = bad.TotalActive / TimeSpan.FromDays(30);
        var goodShare = good.TotalActive / TimeSpan.FromDays(30);
        Assert.InRange(badShare, 0.15, 0.45);
        Assert.True(goodShare < 0.02, $"normal point down {goodShare:P1}");
    }

    private static int CountStarts(FailureRates rates, long seed)
    {
        var injector = new FailureInjector(rates, seed);
        for (var t = Start; t < Start.AddDays(30); t += Step)
        {
            for (var i = 1; i <= 2000; i++)
            {
                injector.StepLuminaire("sc-lum-" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture), null, t, Step);
            }
        }
        return injector.All.Sum(p => p.Started);
    }
}
