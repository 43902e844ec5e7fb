using System.Text;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Telemetry;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Ingest;

/// <summary>Non-finite numbers and a city outside São Paulo, sent through the ingestor between two good messages.</summary>
public sealed class IngestorRejectTests
{
    private const string Device = "sc-lum-000040";

    // Payload.Luminaire writes energyWh 1000 as "energyWh":1000; each case swaps a number for a literal JSON does not have
    public static TheoryData<string, string, string, string> Rejects => new()
    {
        { "Infinity", RejectReasons.Json, Payload.City, "\"energyWh\":Infinity" },
        { "-Infinity", RejectReasons.Json, Payload.City, "\"energyWh\":-Infinity" },
        { "NaN", RejectReasons.Json, Payload.City, "\"energyWh\":NaN" },
        // 3304557 is Rio de Janeiro (RJ): a real IBGE code, but not one of the 645 São Paulo municipalities
        { "Rio de Janeiro", RejectReasons.City, "3304557", "\"energyWh\":1000" },
    };

    [Theory]
    [MemberData(nameof(Rejects))]
    public async Task Is_dead_lettered_with_its_reason_counted_once_and_the_good_messages_around_it_are_stored_byte_for_byte(
        string name, string reason, string city, string energy)
    {
        await using var cloud = await CloudApp.StartAsync();
        var ingestor = cloud.Get<Ingestor>();
        var counters = cloud.Get<IngestCounters>();
        var store = cloud.Get<SqliteStore>();
        var now = DateTimeOffset.UtcNow;
        var good1 = Encoding.UTF8.GetBytes(Payload.Luminaire(1, now.AddMinutes(-2), 500));
        var good2 = Encoding.UTF8.GetBytes(Payload.Luminaire(3, now, 502));
        var badText = Payload.Luminaire(2, now.AddMinutes(-1)).Replace("\"energyWh\":1000", energy, StringComparison.Ordinal);
        Assert.Contains(energy, badText, StringComparison.Ordinal); // the swap happened
        var bad = Encoding.UTF8.GetBytes(badText);

        Assert.Equal(ReasonCodes.Success, await ingestor.IngestAsync(null, "test", Payload.Topic(Device, "telemetry"), good1, default));
        Assert.Equal(0, counters.RejectedFor(reason));
        // a dead-lettered message is still acknowledged: the device must not send it again
        Assert.Equal(ReasonCodes.Success, await ingestor.IngestAsync(null, "test", Payload.Topic(Device, "telemetry", city: city), bad, default));
        Assert.Equal(ReasonCodes.Success, await ingestor.IngestAsync(null, "test", Payload.Topic(Device, "telemetry"), good2, default));

        Assert.Equal(1, counters.RejectedFor(reason));
        Assert.Equal(1, counters.RejectedTotal);
        Assert.Equal(2, counters.Stored);
        Assert.Equal(3, counters.Received);
        var dead = Assert.Single(store.DeadLetters(10));
        Assert.Equal(reason, dead.Reason);
        Assert.Contains(reason, dead.Detail, StringComparison.Ordinal);
        Assert.Equal(Payload.Topic(Device, "telemetry", city: city), dead.Topic);
        if (reason == RejectReasons.City)
        {
            Assert.Contains(city, dead.Detail, StringComparison.Ordinal);
            Assert.False(Municipalities.IsKnown(city), name);
        }
        // the rejected bytes are kept as sent, for inspection
        Assert.Equal(bad, Assert.Single(store.Query("SELECT payload FROM dead_letters", r => (byte[])r.GetValue(0))));
        // seq 2 was never stored; seq 1 and 3 are exactly what was sent
        Assert.Equal([1L, 3], store.Seqs(Device, "telemetry"));
        var stored = store.Query("SELECT CAST(payload AS BLOB) FROM telemetry WHERE device = $d ORDER BY seq",
            r => (byte[])r.GetValue(0), ("$d", Device));
        Assert.Equal([good1, good2], stored);
    }
}
