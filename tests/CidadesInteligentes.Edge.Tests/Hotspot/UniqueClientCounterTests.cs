using System.Reflection;
using CidadesInteligentes.Edge.Core.Hotspot;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Hotspot;

public sealed class UniqueClientCounterTests
{
    private static WifiStation Sta(string mac) => new(mac, true, null, null, null);

    [Fact]
    public void Counts_each_station_once_whatever_the_mac_spelling()
    {
        using var counter = new UniqueClientCounter(new ManualTimeProvider());
        counter.Observe([Sta("02:1a:11:f0:c8:3b"), Sta("a4:c3:f0:85:ac:2d")]);
        counter.Observe([Sta("02-1A-11-F0-C8-3B"), Sta("021a.11f0.c83b")]);
        Assert.Equal(2, counter.CountToday);
    }

    [Fact]
    public void Starts_over_at_sao_paulo_midnight()
    {
        // 2026-11-22 12:00Z = 09:00 in São Paulo (UTC-3, no DST since 2019); local midnight = 2026-11-23 03:00Z.
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        using var counter = new UniqueClientCounter(time);
        counter.Observe([Sta("02:1a:11:f0:c8:3b"), Sta("a4:c3:f0:85:ac:2d")]);

        time.SetUtcNow(new DateTimeOffset(2026, 11, 23, 2, 59, 59, TimeSpan.Zero)); // 23:59:59 local
        counter.Observe([Sta("02:1a:11:f0:c8:3b")]);
        Assert.Equal(2, counter.CountToday);

        time.SetUtcNow(new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero)); // 00:00 local
        Assert.Equal(0, counter.CountToday);
        counter.Observe([Sta("02:1a:11:f0:c8:3b")]);
        Assert.Equal(1, counter.CountToday);
    }

    [Fact]
    public void The_hmac_key_changes_at_sao_paulo_midnight_and_not_before()
    {
        const string Mac = "02:1a:11:f0:c8:3b";
        // São Paulo is UTC-3 all year (no DST since 2019): local midnight is 03:00Z.
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero)); // 22nd, 00:00 local
        using var counter = new UniqueClientCounter(time);
        var day22 = Digest(counter, Mac);
        Assert.Equal(day22, Digest(counter, "02-1A-11-F0-C8-3B")); // one station, one digest

        foreach (var utc in new[] { At(22, 12, 0, 0), At(23, 0, 0, 0), At(23, 2, 59, 59).AddTicks(9_999_999) })
        {
            time.SetUtcNow(utc); // 09:00, 21:00 (UTC midnight is not the local one), 23:59:59.9999999 local
            Assert.Equal(day22, Digest(counter, Mac));
        }

        time.SetUtcNow(At(23, 3, 0, 0)); // 23rd, 00:00 local: a new key
        var day23 = Digest(counter, Mac);
        Assert.NotEqual(day22, day23);
        time.SetUtcNow(At(24, 2, 59, 59));
        Assert.Equal(day23, Digest(counter, Mac));

        time.SetUtcNow(At(24, 3, 0, 0));
        var day24 = Digest(counter, Mac);
        Assert.NotEqual(day23, day24);
        Assert.NotEqual(day22, day24);

        // A key is random, not derived from the date: another counter (a restarted agent) on the same day has its own.
        using var restarted = new UniqueClientCounter(time);
        Assert.NotEqual(day24, Digest(restarted, Mac));
    }

    private static DateTimeOffset At(int day, int hour, int minute, int second) => new(2026, 11, day, hour, minute, second, TimeSpan.Zero);

    private static byte[] Digest(UniqueClientCounter counter, string mac)
    {
        var digest = new byte[32];
        counter.DigestNow(mac, digest);
        return digest;
    }

    [Fact]
    public void Exposes_only_counts()
    {
        var members = typeof(UniqueClientCounter).GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly);
        foreach (var member in members)
        {
            var type = member switch
            {
                PropertyInfo p => p.PropertyType,
                MethodInfo m => m.ReturnType,
                FieldInfo f => f.FieldType,
                _ => typeof(void),
            };
            Assert.True(type == typeof(int) || type == typeof(void) || type == typeof(bool), $"{member.Name} returns {type}");
        }
    }
}
