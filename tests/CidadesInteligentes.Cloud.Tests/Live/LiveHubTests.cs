using CidadesInteligentes.Cloud.Live;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Live;

public sealed class LiveHubTests
{
    [Fact]
    public async Task Subscribers_get_updates_of_their_city_and_state_wide_ones()
    {
        var hub = new LiveHub();
        using var cts = new CancellationTokenSource();
        var saoCarlos = new List<LiveUpdate>();
        var reader = Task.Run(async () =>
        {
            await foreach (var u in hub.SubscribeAsync("3548906", cts.Token))
            {
                saoCarlos.Add(u);
                if (saoCarlos.Count == 2) { break; }
            }
        });
        await Wait.UntilAsync(() => hub.Subscribers == 1, "subscriber registered");

        hub.Publish(new LiveUpdate("telemetry", "3520301", "{}"));
        hub.Publish(new LiveUpdate("telemetry", "3548906", "{\"device\":\"sc-lum-000001\"}"));
        hub.Publish(new LiveUpdate("alert", null, "{}"));
        await Wait.ForAsync(reader, "two updates received");

        Assert.Equal(["telemetry", "alert"], saoCarlos.Select(u => u.Event));
        Assert.Equal("{\"device\":\"sc-lum-000001\"}", saoCarlos[0].Json);
        await Wait.UntilAsync(() => hub.Subscribers == 0, "subscriber removed after it left");
    }

    [Fact]
    public async Task A_slow_subscriber_loses_its_oldest_updates_and_publishing_never_blocks()
    {
        var hub = new LiveHub();
        using var cts = new CancellationTokenSource();
        var enumerator = hub.SubscribeAsync(null, cts.Token).GetAsyncEnumerator(cts.Token);
        var first = enumerator.MoveNextAsync().AsTask(); // registers and waits
        await Wait.UntilAsync(() => hub.Subscribers == 1, "subscriber registered");

        for (var i = 0; i < 1000; i++)
        {
            hub.Publish(new LiveUpdate("telemetry", null, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.True(await first);
        // the queue holds 256: the reader took update 0 as it arrived or the newest survive; older ones were dropped
        Assert.True(hub.Dropped >= 1000 - 256 - 1, $"dropped {hub.Dropped}");
        await cts.CancelAsync();
        await enumerator.DisposeAsync();
    }
}
