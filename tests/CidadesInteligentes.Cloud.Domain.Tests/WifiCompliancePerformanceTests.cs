using CidadesInteligentes.Cloud.Domain.Wifi;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

[Collection(PerformanceCollection.Name)]
public sealed class WifiCompliancePerformanceTests
{
    [Fact]
    public void City_month_of_5_points_at_1_min_is_fast()
    {
        var city = WifiComplianceTests.CityWithPoints(5);
        var points = Enumerable.Range(1, 5).Select(i => WifiComplianceTests.Point(i, k => WifiComplianceTests.Good(k))).ToList();
        CityWifiReport r = null!;
        var best = PerformanceCollection.BestCpuMs(() => r = WifiCompliance.Compute(city, "2026-06", points));
        Assert.True(r.Compliant);
        Assert.True(best < 100, $"took {best} ms");
    }
}
