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
