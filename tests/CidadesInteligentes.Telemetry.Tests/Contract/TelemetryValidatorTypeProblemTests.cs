using Xunit;
using System.Text;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Telemetry.Tests.Contract;

/// <summary>
/// A payload whose fields have the wrong JSON type makes the serializer stop at the first one; the validator must still
/// list every wrong-typed field (path, expected and found type) and every range/required problem of the other fields.
/// </summary>
public sealed class TelemetryValidatorTypeProblemTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 3, 16, 0, TimeSpan.Zero);
    private const string LumTopic = "ci/v1/3548906/luminaire/sc-lum-000123/telemetry";
    private const string WifiTopic = "ci/v1/3548906/hotspot/sc-wifi-03/telemetry";
    private const string EventTopic = "ci/v1/3548906/luminaire/sc-lum-000123/event";
    private const string AckTopic = "ci/v1/3548906/luminaire/sc-lum-000123/cmd/ack";
    private const string StatusTopic = "ci/v1/3548906/luminaire/sc-lum-000123/status";

    private static ValidationResult V(string topic, string json) => TelemetryValidator.Validate(topic, Encoding.UTF8.GetBytes(json), Now);

    private static void HasProblem(ValidationResult r, params string[] parts) =>
        Assert.True(
            r.Problems.Any(p => parts.All(part => p.Contains(part, StringComparison.Ordinal))),
            $"no problem mentions all of [{string.Join(", ", parts)}]; problems: {string.Join(" | ", r.Problems)}");

    [Fact]
    public void Luminaire_with_two_wrong_typed_fields_and_one_out_of_range_lists_all_three()
    {
        var r = V(LumTopic, """{"v":1,"seq":"42","ts":"2026-11-22T03:15:00Z","energyWh":1,"burnSeconds":1,"powerW":9000,"dimPercent":50,"lampOn":"yes","uptimeS":1}""");

        Assert.False(r.IsValid);
        Assert.Equal(RejectReasons.Json, r.Reason);
        HasProblem(r, "$.seq", "expected an integer (int64)", "found a string");
        HasProblem(r, "$.lampOn", "expected a boolean", "found a string");
        HasProblem(r, "powerW 9000 is outside 0–2000");
        Assert.Equal(3, r.Problems.Count);
    }

    [Fact]
    public void Hotspot_with_two_wrong_typed_fields_and_one_out_of_range_lists_all_three()
    {
        var r = V(WifiTopic, """{"v":1,"seq":7,"ts":"2026-11-22T03:15:00Z","uptimeS":5,"backhaulUp":1,"lossPercent":150,"portalOk":true,"clients":12.5,"uniqueClientsToday":31,"rxBytes":10,"txBytes":20}""");

        Assert.False(r.IsValid);
        Assert.Equal(RejectReasons.Json, r.Reason);
        HasProblem(r, "$.backhaulUp", "expected a boolean", "found a number");
        HasProblem(r, "$.clients", "expected an integer (int32)", "12.5");
        HasProblem(r, "lossPercent 150 is outside 0–100");
        Assert.Equal(3, r.Problems.Count);
    }

    [Fact]
    public void Event_with_two_wrong_typed_fields_and_one_out_of_range_lists_all_three()
    {
        var r = V(EventTopic, """{"v":1,"seq":0,"ts":"2026-11-22T03:15:00Z","type":5,"active":"true","detail":"x"}""");

        Assert.False(r.IsValid);
        HasProblem(r, "$.type", "expected a string", "found a number");
        HasProblem(r, "$.active", "expected a boolean", "found a string");
        HasProblem(r, "seq 0 must be ≥ 1");
        Assert.Equal(3, r.Problems.Count);
    }

    [Fact]
    public void Ack_with_two_wrong_typed_fields_and_one_out_of_range_lists_all_three()
    {
        var r = V(AckTopic, """{"v":1,"seq":3,"ts":"2026-11-22T03:15:00Z","id":123,"result":"maybe","detail":{"text":"x"}}""");

        Assert.False(r.IsValid);
        HasProblem(r, "$.id", "expected a string", "found a number");
        HasProblem(r, "$.detail", "expected a string", "found an object");
        HasProblem(r, "result 'maybe' must be ok, rejected, expired or failed");
        Assert.Equal(3, r.Problems.Count);
    }

    [Fact]
    public void Status_lists_every_wrong_typed_field()
    {
        var r = V(StatusTopic, """{"v":"1","state":true,"ts":"yesterday","kind":"toaster"}""");

        Assert.False(r.IsValid);
        HasProblem(r, "$.v", "expected an integer (int32)", "found a string");
        HasProblem(r, "$.state", "expected a string", "found a boolean");
        HasProblem(r, "$.ts", "expected a string with a UTC ISO-8601 time", "\"yesterday\"");
        HasProblem(r, "kind 'toaster' must be luminaire or hotspot");
        Assert.Equal(4, r.Problems.Count);
    }

    [Fact]
    public void A_wrong_typed_field_is_not_also_reported_missing_while_a_really_missing_one_is()
    {
        var r = V(LumTopic, """{"v":1,"seq":42,"ts":"2026-11-22T03:15:00Z","energyWh":1,"burnSeconds":1,"powerW":1,"dimPercent":"50","lampOn":true}""");

        HasProblem(r, "$.dimPercent", "expected an integer (int32)", "found a string");
        HasProblem(r, "uptimeS is required");
        Assert.DoesNotContain(r.Problems, p => p.StartsWith("dimPercent", StringComparison.Ordinal));
        Assert.Equal(2, r.Problems.Count);
    }

    [Fact]
    public void Integers_out_of_their_type_range_are_wrong_types_with_the_value()
    {
        var r = V(LumTopic, """{"v":1,"seq":42,"ts":"2026-11-22T03:15:00Z","energyWh":1,"burnSeconds":99999999999999999999,"powerW":1,"dimPercent":3000000000,"lampOn":true,"uptimeS":1}""");

        HasProblem(r, "$.dimPercent", "the integer 3000000000, outside the int32 range");
        HasProblem(r, "$.burnSeconds", "the integer 99999999999999999999, outside the int64 range");
        Assert.Equal(2, r.Problems.Count);
    }

    [Theory]
    [InlineData("""{"v":1,"seq":"42" "ts":"2026-11-22T03:15:00Z","lampOn":"yes"}""", 19)]
    [InlineData("""{"v":1,"seq":42,"ts":"2026-11-22T03:15:00Z","energyWh":NaN,"lampOn":"yes"}""", 56)]
    [InlineData("""{"v":1,"seq":"42","lampOn":"yes",""", 33)]
    public void Malformed_json_stays_one_problem_with_its_position(string json, int byteInLine)
    {
        var r = V(LumTopic, json);

        Assert.False(r.IsValid);
        Assert.Equal(RejectReasons.Json, r.Reason);
        var problem = Assert.Single(r.Problems);
        Assert.True(problem.Contains($"(line 1, byte {byteInLine})", StringComparison.Ordinal), problem);
        Assert.DoesNotContain("$.lampOn", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_that_is_not_an_object_is_one_problem()
    {
        var r = V(LumTopic, "[1,2]");

        Assert.Equal(RejectReasons.Json, r.Reason);
        Assert.Contains("found an array", Assert.Single(r.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_typed_unknown_fields_stay_ignored()
    {
        var r = V(LumTopic, """{"v":1,"seq":"42","ts":"2026-11-22T03:15:00Z","energyWh":1,"burnSeconds":1,"powerW":1,"dimPercent":50,"lampOn":true,"uptimeS":1,"futureField":"anything","SEQ":[]}""");

        HasProblem(r, "$.seq", "found a string");
        Assert.Single(r.Problems);
    }
}
