using System.Text.Json;
using CidadesInteligentes.Cloud.Api;
using CidadesInteligentes.Cloud.Storage;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>
/// A command the device never acknowledged (offline, out of range) used to stay "result: null" for ever, which an
/// operator could not tell from "on its way". The API's <c>state</c> ends it: pending until the command's expiresAt,
/// then unacknowledged (the device will no longer carry it out), replaced by the device's own answer if one comes.
/// </summary>
public sealed class CommandStateTests
{
    private static readonly DateTimeOffset Sent = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static CommandRow Row(string? result, DateTimeOffset? ackAt = null) => new(
        "c-1", "sc-lum-000020", "3548906", "setOverride",
        $$"""{"v":1,"id":"c-1","ts":"2026-12-07T12:00:00Z","expiresAt":"2026-12-07T12:10:00Z","type":"setOverride","dimPercent":40,"durationS":600}""",
        Sent, "ana", result, result is null ? null : "detail", ackAt);

    private static JsonElement View(CommandRow row, DateTimeOffset now) =>
        JsonSerializer.SerializeToElement(ApiEndpoints.CommandView(row, now));

    [Fact]
    public void Without_an_answer_a_command_is_pending_until_it_expires_then_unacknowledged()
    {
        Assert.Equal("pending", View(Row(null), Sent).GetProperty("state").GetString());
        // expiresAt 12:10:00 itself is still inside the window the device would carry it out in
        Assert.Equal("pending", View(Row(null), Sent.AddMinutes(10)).GetProperty("state").GetString());
        var late = View(Row(null), Sent.AddMinutes(10).AddMilliseconds(1));
        Assert.Equal("unacknowledged", late.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, late.GetProperty("result").ValueKind);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 12, 10, 0, TimeSpan.Zero), late.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("ok")]
    [InlineData("rejected")]
    [InlineData("failed")]
    [InlineData("expired")] // a device that got it after expiresAt answers so; that answer replaces "unacknowledged"
    public void The_devices_answer_is_the_state_before_and_after_expiry(string result)
    {
        var row = Row(result, Sent.AddMinutes(30));
        Assert.Equal(result, View(row, Sent.AddMinutes(1)).GetProperty("state").GetString());
        Assert.Equal(result, View(row, Sent.AddDays(1)).GetProperty("state").GetString());
    }
}
