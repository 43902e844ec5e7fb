using System.Diagnostics;
using System.Globalization;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests.Interop;

/// <summary>Debian's mosquitto_pub / mosquitto_sub against our broker. A missing tool fails with an install hint.</summary>
public sealed class MosquittoToolsTests
{
    private static Process Start(string tool, string args, string? stdin = null)
    {
        var info = new ProcessStartInfo(MosquittoServer.Tool(tool), args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        var p = Process.Start(info)!;
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        return p;
    }

    private static async Task<string> RunAsync(Process p, int seconds = 30)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var output = p.StandardOutput.ReadToEndAsync(cts.Token);
        var error = p.StandardError.ReadToEndAsync(cts.Token);
        await p.WaitForExitAsync(cts.Token);
        Assert.True(p.ExitCode == 0, $"{p.StartInfo.FileName} {p.StartInfo.Arguments} exited {p.ExitCode}: {await error}");
        return await output;
    }

    private static async Task<Process> SubscribedAsync(BrokerHarness h, string id, string args)
    {
        var p = Start("mosquitto_sub", $"-p {h.Port} -i {id} {args}");
        var filters = args.Split(' ').Count(a => a == "-t");
        await Wait.UntilAsync(() => h.Broker.SubscriptionsOf(id).Count >= filters, $"{id} connected and subscribed to {filters} filter(s)");
        return p;
    }

    [Fact]
    public async Task Every_qos_round_trips_through_our_broker()
    {
        await using var h = await BrokerHarness.StartAsync();
        using var sub = await SubscribedAsync(h, "msub", "-q 2 -v -C 3 -t q/#");
        for (var qos = 0; qos <= 2; qos++)
        {
            using var pub = Start("mosquitto_pub", $"-p {h.Port} -q {qos} -t q/{qos} -m m{qos}");
            await RunAsync(pub);
        }
        var lines = (await RunAsync(sub)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["q/0 m0", "q/1 m1", "q/2 m2"], lines);
    }

    [Fact]
    public async Task Retained_message_reaches_a_later_mosquitto_sub()
    {
        await using var h = await BrokerHarness.StartAsync();
        using (var pub = Start("mosquitto_pub", $"-p {h.Port} -q 1 -r -t ci/v1/3548906/luminaire/l1/status -m online"))
        {
            await RunAsync(pub);
        }
        using var sub = Start("mosquitto_sub", $"-p {h.Port} -q 1 -v -C 1 -W 10 -t ci/#");
        Assert.Equal("ci/v1/3548906/luminaire/l1/status online", (await RunAsync(sub)).Trim());
    }

    [Fact]
    public async Task Killed_mosquitto_sub_has_its_will_published()
    {
        await using var h = await BrokerHarness.StartAsync();
        var watcher = await h.ConnectAsync("watcher", MqttProtocolVersion.V311);
        await watcher.SubscribeAsync("wills/#", 1);
        using var willer = await SubscribedAsync(h, "willer", "-t x --will-topic wills/willer --will-payload gone --will-qos 1");
        willer.Kill();
        var m = await BrokerHarness.NextAsync(watcher, 10);
        Assert.Equal("wills/willer", m.Topic);
        Assert.Equal("gone", BrokerHarness.Text(m));
    }

    [Fact]
    public async Task Wildcard_subscription_from_mosquitto_sub_matches_only_its_topics()
    {
        await using var h = await BrokerHarness.StartAsync();
        using var sub = await SubscribedAsync(h, "wild", "-q 1 -v -C 2 -t a/+/c -t $SYS/#");
        foreach (var topic in new[] { "a/b/d", "a/b/c/d", "a/x/c", "a/y/c" })
        {
            using var pub = Start("mosquitto_pub", $"-p {h.Port} -q 1 -t {topic} -m {topic}");
            await RunAsync(pub);
        }
        Assert.Equal(["a/x/c a/x/c", "a/y/c a/y/c"], (await RunAsync(sub)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Ten_thousand_qos1_messages_from_mosquitto_pub_arrive_without_loss()
    {
        const int n = 10_000;
        await using var h = await BrokerHarness.StartAsync();
        using var sub = await SubscribedAsync(h, "bulk", $"-q 1 -C {n} -t load");
        var input = string.Join('\n', Enumerable.Range(0, n).Select(i => i.ToString(CultureInfo.InvariantCulture))) + "\n";
        using var pub = Start("mosquitto_pub", $"-p {h.Port} -q 1 -t load -l", input);
        await RunAsync(pub, 120);
        var lines = (await RunAsync(sub, 120)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(n, lines.Length);
        Assert.Equal(Enumerable.Range(0, n).Select(i => i.ToString(CultureInfo.InvariantCulture)), lines);
    }
}
