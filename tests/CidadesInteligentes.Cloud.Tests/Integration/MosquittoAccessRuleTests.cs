using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Mqtt;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Testing;
using Xunit;
using static CidadesInteligentes.Cloud.Tests.Integration.CloudStoreProbe;

namespace CidadesInteligentes.Cloud.Tests.Integration;

/// <summary>
/// The contract's access rule with Mosquitto as the devices' broker, which the cloud cannot check itself (an external
/// broker does not tell it who published). Debian's Mosquitto runs the files of cloud/deploy/mosquitto: the ACL as
/// shipped, the configuration with its /etc/mosquitto/ paths moved to a temp directory, its two listeners (devices,
/// cloud) moved to loopback ports and the TLS certificate lines left out; device A's password line is made by the
/// shipped script from an edge.json like the one provision writes. The cloud runs as a separate process, as the
/// ci_cloud_1 user of the ACL, in a share group whose name only it knows.
/// </summary>
public sealed class MosquittoAccessRuleTests
{
    private const string A = "sc-lum-000801";
    private const string B = "sc-lum-000802";
    private const string Operator = "op-key-123456789012345";

    [Fact]
    public async Task The_shipped_acl_keeps_each_device_to_its_own_topics_while_the_cloud_receives_commands_and_acks()
    {
        var deploy = Path.Combine(RepoRoot(), "cloud", "deploy", "mosquitto");
        var dir = ServerProcess.CreateTempDirectory("mosquitto-acl");
        var (devicePort, cloudPort) = (FreePort.Next(), FreePort.Next());
        var passwords = Path.Combine(dir, "cidades.passwd");
        await File.WriteAllTextAsync(passwords, await PasswordLineFromEdgeConfigAsync(deploy, dir, A, "a-secret-Zm9vYmFyYmF6cXV1eDEyMzQ1Njc4") + "\n");
        await MosquittoServer.AddUserAsync(passwords, B, "b-secret-cXV1eGJhemZvb2JhcjEyMzQ1Njc4");
        await MosquittoServer.AddUserAsync(passwords, "ci_cloud_1", "cloud-secret-1234567890");
        File.Copy(Path.Combine(deploy, "cidades.acl"), Path.Combine(dir, "cidades.acl"));
        var config = TestConfig(await File.ReadAllTextAsync(Path.Combine(deploy, "cidades.conf")), dir, devicePort, cloudPort);
        // debug logging: Mosquitto's only record of a refused publish is a debug line
        await using var mosquitto = await MosquittoServer.StartWithConfigAsync(config + "\nlog_type debug\n", devicePort, dir);

        var data = ServerProcess.CreateTempDirectory("cloud-acl");
        var keys = Path.Combine(data, "keys.txt");
        await File.WriteAllTextAsync(keys, $"operator {Operator} ops\n");
        // healthy = connected and subscribed with the ACL's cloud user
        await using var cloud = await CloudProcess.StartAsync("--Broker:Enabled", "false", "--Upstream:Host", "127.0.0.1",
            "--Upstream:Port", cloudPort.ToString(CultureInfo.InvariantCulture), "--Upstream:Username", "ci_cloud_1", "--Upstream:Password", "cloud-secret-1234567890",
            "--Upstream:ClientId", "ci_cloud_1", "--Upstream:SharedGroup", "ci-" + Guid.NewGuid().ToString("N"), "--Storage:Directory", data, "--Api:KeysFile", keys);
        var now = DateTimeOffset.UtcNow;
        MqttClient Device(string id, string password, MqttProtocolVersion version, string? clientId = null) =>
            new(new MqttClientOptions { Port = devicePort, ClientId = clientId ?? id, Username = id, Password = password, Version = version });

        // A (MQTT 3.1.1) publishes under B's prefix: Mosquitto drops it, and 3.1.1 has no negative PUBACK
        await using (var a311 = Device(A, "a-secret-Zm9vYmFyYmF6cXV1eDEyMzQ1Njc4", MqttProtocolVersion.V311))
        {
            await a311.ConnectAsync();
            await a311.PublishAsync(Payload.Topic(B, "telemetry"), Payload.Luminaire(1, now.AddMinutes(-9), 1000));
            await a311.PublishAsync(Payload.Topic(A, "telemetry"), Payload.Luminaire(1, now.AddMinutes(-9), 500));
            await a311.DisconnectAsync();
        }
        // A (MQTT 5) does it again and gets 0x87; it subscribes to B's commands, to every command, to everything and
        // to a share group with the default name
        await using var a = Device(A, "a-secret-Zm9vYmFyYmF6cXV1eDEyMzQ1Njc4", MqttProtocolVersion.V500);
        await a.ConnectAsync();
        var refused = await Assert.ThrowsAsync<MqttConnectException>(() => a.PublishAsync(Payload.Topic(B, "telemetry"), Payload.Luminaire(2, now.AddMinutes(-8), 1001)));
        Assert.Equal(ReasonCodes.NotAuthorized, refused.ReasonCode);
        await a.SubscribeAsync([new(Payload.Topic(A, "cmd"), 1), new(Payload.Topic(B, "cmd"), 1), new("ci/v1/+/+/+/cmd", 1), new("ci/v1/#", 1),
            new("$share/ci-cloud/ci/v1/+/+/+/telemetry", 1)]);
        await a.PublishAsync(Payload.Topic(A, "telemetry"), Payload.Luminaire(2, now.AddMinutes(-8), 501));
        await a.PublishAsync(Payload.Topic(A, "telemetry"), Payload.Luminaire(3, now.AddMinutes(-7), 502));

        // A's own telemetry is stored; nothing reached the cloud for B (it would have come before A's seq 3)
        await Wait.UntilAsync(() => StoredSeqs(data, A).Count == 3, "A's three messages stored", TimeSpan.FromSeconds(30));
        Assert.Equal([1L, 2, 3], StoredSeqs(data, A));
        Assert.Empty(StoredSeqs(data, B));
        var stats = await Stats(cloud);
        Assert.Equal(3, stats.GetProperty("received").GetInt64());
        Assert.Equal(0, stats.GetProperty("rejectedTotal").GetInt64());
        await Wait.UntilAsync(() => Denials(mosquitto, B) == 2, "Mosquitto's two 'Denied PUBLISH' lines for A's messages to B");

        // B sends its own telemetry (while A is in a share group named like the cloud's default): all of it is stored
        var ackSeq = 0;
        await using var b = Device(B, "b-secret-cXV1eGJhemZvb2JhcjEyMzQ1Njc4", MqttProtocolVersion.V500);
        await b.ConnectAsync();
        await b.SubscribeAsync(Payload.Topic(B, "cmd"));
        await b.PublishAsync(Payload.Topic(B, "status"), Payload.Status("online", now), retain: true);
        for (var seq = 1; seq <= 10; seq++)
        {
            await b.PublishAsync(Payload.Topic(B, "telemetry"), Payload.Luminaire(seq, now.AddMinutes(seq - 20), 2000 + seq));
        }
        await Wait.UntilAsync(() => StoredSeqs(data, B).Count == 10, "B's ten messages stored");

        // the cloud commands B and records B's ack; then commands A
        var forB = await SendCommandAsync(cloud, B);
        var atB = await Wait.ForAsync(b.Messages.ReadAsync().AsTask(), "B's command delivered");
        Assert.Equal(Payload.Topic(B, "cmd"), atB.Topic);
        Assert.Equal(forB, JsonDocument.Parse(atB.Payload).RootElement.GetProperty("id").GetString());
        await b.PublishAsync(Payload.Topic(B, "cmd/ack"), $$"""{"v":1,"seq":{{++ackSeq}},"ts":"{{Payload.Ts(DateTimeOffset.UtcNow)}}","id":"{{forB}}","result":"ok","detail":"status sent"}""");
        await Wait.UntilAsync(async () => (await cloud.Http.GetFromJsonAsync<JsonElement>($"/api/devices/{B}/commands/{forB}")).GetProperty("result").GetString() == "ok", "B's ack recorded");
        var forA = await SendCommandAsync(cloud, A);

        // A got its own command and nothing else: not B's command (sent before A's), not B's telemetry
        var first = await Wait.ForAsync(a.Messages.ReadAsync().AsTask(), "A's command delivered");
        Assert.Equal(Payload.Topic(A, "cmd"), first.Topic);
        Assert.Equal(forA, JsonDocument.Parse(first.Payload).RootElement.GetProperty("id").GetString());
        while (a.Messages.TryRead(out var more))
        {
            Assert.Equal(Payload.Topic(A, "cmd"), more.Topic); // another copy through an overlapping subscription
        }

        // A logging in with B's client id neither takes B's session (the client id becomes the username) nor B's topics
        await a.DisconnectAsync(); // that login takes A's own session instead: A's client must not take it back
        await using (var aAsB = Device(A, "a-secret-Zm9vYmFyYmF6cXV1eDEyMzQ1Njc4", MqttProtocolVersion.V500, clientId: B))
        {
            await aAsB.ConnectAsync();
            var again = await Assert.ThrowsAsync<MqttConnectException>(() => aAsB.PublishAsync(Payload.Topic(B, "telemetry"), Payload.Luminaire(11, now, 2011)));
            Assert.Equal(ReasonCodes.NotAuthorized, again.ReasonCode);
        }
        await b.PublishAsync(Payload.Topic(B, "telemetry"), Payload.Luminaire(11, now.AddMinutes(-5), 2011));
        await Wait.UntilAsync(() => StoredSeqs(data, B).Count == 11, "B's seq 11 stored");
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), StoredSeqs(data, B));
        Assert.Equal(1, b.ConnectCount);
        Assert.Equal(3, Denials(mosquitto, B));
        Assert.Equal(0, (await Stats(cloud)).GetProperty("rejectedTotal").GetInt64());
    }

    /// <summary>Device <paramref name="id"/>'s line for the password file, by the shipped script, from an edge.json as provision writes it.</summary>
    private static async Task<string> PasswordLineFromEdgeConfigAsync(string deploy, string dir, string id, string secret)
    {
        var edge = Path.Combine(dir, "edge.json");
        await File.WriteAllTextAsync(edge, JsonSerializer.Serialize(new { Device = new { Id = id, City = Payload.City, Kind = "luminaire" }, Mqtt = new { Host = "mqtt.example", Password = secret } },
            new JsonSerializerOptions { WriteIndented = true }));
        var run = new System.Diagnostics.ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        run.ArgumentList.Add(Path.Combine(deploy, "mosquitto-password-line.sh"));
        run.ArgumentList.Add(edge);
        using var script = System.Diagnostics.Process.Start(run)!;
        var output = script.StandardOutput.ReadToEndAsync();
        var error = script.StandardError.ReadToEndAsync();
        await script.WaitForExitAsync();
        Assert.True(script.ExitCode == 0, $"mosquitto-password-line.sh exited with {script.ExitCode}: {await error}");
        var line = (await output).Trim();
        Assert.Matches($"^{id}:\\$7\\$101\\$[A-Za-z0-9+/=]{{16}}\\$[A-Za-z0-9+/=]{{88}}$", line);
        return line;
    }

    /// <summary>The shipped cidades.conf for a test: paths into <paramref name="dir"/>, its listeners on loopback ports, no certificates.</summary>
    private static string TestConfig(string shipped, string dir, int devicePort, int cloudPort)
    {
        var lines = new List<string>();
        var listeners = 0;
        foreach (var line in shipped.Split('\n'))
        {
            if (line.StartsWith("listener ", StringComparison.Ordinal))
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"listener {(listeners++ == 0 ? devicePort : cloudPort)} 127.0.0.1"));
            }
            else if (!line.StartsWith("certfile ", StringComparison.Ordinal) && !line.StartsWith("keyfile ", StringComparison.Ordinal))
            {
                lines.Add(line.Replace("/etc/mosquitto/", dir + "/", StringComparison.Ordinal));
            }
        }
        Assert.Equal(2, listeners); // the devices' listener first, then the cloud's
        Assert.Equal(2, lines.Count(l => l.Trim() == "use_username_as_clientid true"));
        return string.Join('\n', lines);
    }

    private static async Task<string> SendCommandAsync(CloudProcess cloud, string device)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, $"/api/devices/{device}/commands") { Content = JsonContent.Create(new { type = "requestStatus" }) };
        post.Headers.Authorization = new("Bearer", Operator);
        using var sent = await cloud.Http.SendAsync(post);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        return JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Mosquitto's "Denied PUBLISH from A" debug lines for a topic of <paramref name="victim"/>.</summary>
    private static int Denials(MosquittoServer mosquitto, string victim) =>
        Regex.Count(mosquitto.Output, $"Denied PUBLISH from {A} \\([^)]*'ci/v1/{Payload.City}/luminaire/{victim}/telemetry'");

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CidadesInteligentes.Iot.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root (CidadesInteligentes.Iot.sln) not found above " + AppContext.BaseDirectory);
    }
}
