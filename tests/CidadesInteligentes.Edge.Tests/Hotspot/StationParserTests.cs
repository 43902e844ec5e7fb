using System.Runtime.CompilerServices;
using CidadesInteligentes.Edge.Core.Hotspot;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Hotspot;

public sealed class StationParserTests
{
    internal static string Fixture(string name, [CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Fixtures", name);

    [Fact]
    public void Parses_iw_station_dump()
    {
        var stations = IwStationDumpParser.Parse(File.ReadAllText(Fixture("iw-station-dump.txt")));

        Assert.Equal(3, stations.Count);
        Assert.Equal(new WifiStation("02:1a:11:f0:c8:3b", true, -42, 304, 83), stations[0]);
        Assert.Equal(new WifiStation("a4:c3:f0:85:ac:2d", true, -71, 12040, 1570), stations[1]);
        Assert.False(stations[2].Associated);
        Assert.Equal(-88, stations[2].SignalDbm);
    }

    [Fact]
    public void Parses_hostapd_all_sta()
    {
        var stations = HostapdAllStaParser.Parse(File.ReadAllText(Fixture("hostapd-all-sta.txt")));

        Assert.Equal(3, stations.Count);
        Assert.Equal(new WifiStation("02:1a:11:f0:c8:3b", true, -42, 304, 83), stations[0]);
        Assert.Equal(new WifiStation("A4:C3:F0:85:AC:2D", true, -71, 12040, 1570), stations[1]);
        Assert.Equal(new WifiStation("5e:e1:09:33:7a:10", false, -88, 60000, 2), stations[2]);
    }

    [Fact]
    public void Parsers_accept_crlf_and_empty_output()
    {
        var crlf = File.ReadAllText(Fixture("hostapd-all-sta.txt")).Replace("\n", "\r\n", StringComparison.Ordinal);
        Assert.Equal(3, HostapdAllStaParser.Parse(crlf).Count);
        Assert.Empty(IwStationDumpParser.Parse(""));
        Assert.Empty(HostapdAllStaParser.Parse("Selected interface 'wlan0'\n"));
    }

    [Fact]
    public void Station_text_form_leaves_out_the_mac()
    {
        var station = new WifiStation("02:1a:11:f0:c8:3b", true, -42, 304, 83);
        Assert.DoesNotContain("02:1a", station.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Command_source_runs_the_tool_and_parses_its_output()
    {
        var source = new CommandStationSource("cat", [Fixture("iw-station-dump.txt")], IwStationDumpParser.Parse);
        var stations = await source.ReadAsync(CancellationToken.None);
        Assert.Equal(2, stations.Count(s => s.Associated));
    }
}
