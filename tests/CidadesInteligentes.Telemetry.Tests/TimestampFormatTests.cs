using System.Text.Json;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Telemetry.Tests;

public sealed class TimestampFormatTests
{
    [Fact]
    public void Timestamps_are_written_in_the_contract_form_utc_with_z()
    {
        var t = new LuminaireTelemetry { V = 1, Seq = 1, Ts = new DateTimeOffset(2026, 11, 22, 0, 15, 0, TimeSpan.FromHours(-3)).AddTicks(1234567) };
        var json = JsonSerializer.Serialize(t, TelemetryJson.Default.LuminaireTelemetry);
        Assert.Contains("\"ts\":\"2026-11-22T03:15:00.123Z\"", json, StringComparison.Ordinal);
        var whole = new DeviceStatus { V = 1, State = "online", Ts = new DateTimeOffset(2026, 11, 22, 3, 15, 0, TimeSpan.Zero) };
        Assert.Contains("\"ts\":\"2026-11-22T03:15:00Z\"", JsonSerializer.Serialize(whole, TelemetryJson.Default.DeviceStatus), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-22T03:15:00Z")]
    [InlineData("2026-11-22T03:15:00.000+00:00")]
    [InlineData("2026-11-22T00:15:00-03:00")]
    public void Any_iso_8601_time_with_an_offset_is_read(string ts)
    {
        var e = JsonSerializer.Deserialize($$"""{"v":1,"seq":1,"ts":"{{ts}}","type":"lampFailure","active":true}""", TelemetryJson.Default.DeviceEvent)!;
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 3, 15, 0, TimeSpan.Zero), e.Ts);
    }
}
