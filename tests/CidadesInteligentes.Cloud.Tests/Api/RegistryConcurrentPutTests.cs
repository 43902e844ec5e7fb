using System.Net;
using CidadesInteligentes.Cloud.Domain.Registry;
using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Cloud.Storage;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>
/// Replacements that race each other leave the fleet view listing exactly the devices of the registry that was stored
/// last: the registry swap and the fleet update happen as one step, in the order the replacements were stored.
/// </summary>
/// <remarks>
/// The many-PUTs test is a regression test: it did not fail before the fix in the runs tried, as the older
/// replacement's fleet update rarely ends after the newer one's. The held-device test makes that interleaving happen:
/// it failed before the fix every time.
/// </remarks>
public sealed class RegistryConcurrentPutTests
{
    private const string Admin = "adm-key-1234567890123456";

    // sizes far apart: a large replacement that updates the fleet slowly overlaps a small one stored after it
    private static readonly int[] Luminaires = [3000, 1, 2500, 2, 2000, 3, 1500, 4];

    private static string RegistryWith(int luminaires) =>
        CityEndpointTests.Registry.Replace("\"luminaires\":2,", $"\"luminaires\":{luminaires},", StringComparison.Ordinal);

    // Araraquara listed first: its luminaire appearing in the fleet view shows that replacement's fleet update has begun
    private const string Araraquara = """
        {"ibge":"3503208","name":"Araraquara","latitude":-21.7845,"longitude":-48.178,
         "tariffBrlPerKwh":0.75,"billing":"estimated","aneelHoursPerDay":11.45,"annualRevenueBrl":90000000,"annualCipRevenueBrl":2000000,
         "financingBrl":0,"emissionFactorTPerMwh":0.0385,"requiredWifiPoints":0,
         "wifiThresholds":{"minAvailability":0.95,"minMedianDownMbps":10,"maxP95LatencyMs":150,"requirePortal":true,"minUsedDays":0.5},
         "devicePrefix":"ar","luminaires":[{"id":"ar-lum-000001","legacyTechnology":"HPS 150 W","baselineW":170,"ledW":80}],"wifiPoints":[],"adjustments":[]},
        """;

    private static async Task PutAsync(CloudApp cloud, string body)
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, "/api/registry") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        put.Headers.Authorization = new("Bearer", Admin);
        using var response = await cloud.Http.SendAsync(put);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task After_concurrent_replacements_the_fleet_lists_the_devices_of_the_registry_stored_last()
    {
        var dir = Directory.CreateTempSubdirectory("ci-reg-race-").FullName;
        var keys = Path.Combine(dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, [$"admin {Admin} carla"]);
        await using var cloud = await CloudApp.StartAsync(null, "--Api:KeysFile", keys);
        var store = cloud.Get<SqliteStore>();
        var fleet = cloud.Get<FleetState>();
        for (var round = 0; round < 8; round++)
        {
            // each round starts the replacements in another order, so which one is stored last varies
            var order = Luminaires.Skip(round).Concat(Luminaires.Take(round)).ToArray();
            await Task.WhenAll(order.Select(n => Task.Run(() => PutAsync(cloud, RegistryWith(n)))));

            var stored = RegistryLoader.Parse(store.LatestRegistry()!).Document!.Expand().Cities.Single();
            var expected = stored.Luminaires.Select(l => l.Id).Concat(stored.WifiPoints.Select(w => w.Id)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(RegistryLoader.Serialize(cloud.Get<RegistryService>().Document), store.LatestRegistry());
            var listed = fleet.Devices.Select(d => d.Id).Order(StringComparer.Ordinal).ToList();
            Assert.True(expected.SequenceEqual(listed, StringComparer.Ordinal),
                $"round {round}: the stored registry has {stored.Luminaires.Count} luminaires, the fleet view lists {listed.Count(id => id.Contains("-lum-", StringComparison.Ordinal))}");
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task A_replacement_whose_fleet_update_is_held_up_does_not_undo_the_one_stored_after_it()
    {
        var dir = Directory.CreateTempSubdirectory("ci-reg-held-").FullName;
        var keys = Path.Combine(dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, [$"admin {Admin} carla"]);
        await using var cloud = await CloudApp.StartAsync(null, "--Api:KeysFile", keys);
        var fleet = cloud.Get<FleetState>();
        await PutAsync(cloud, RegistryWith(2));

        Task older, newer;
        // the older replacement's fleet update stops at sc-lum-000002 (in its second city; not in the newer one) while the newer one is sent
        using (HeldDevice.Hold(fleet.Find("sc-lum-000002")!))
        {
            older = Task.Run(() => PutAsync(cloud, RegistryWith(1000).Replace("\"cities\":[", "\"cities\":[" + Araraquara, StringComparison.Ordinal)));
            await Wait.UntilAsync(() => fleet.Find("ar-lum-000001") is not null, "the older replacement's fleet update to begin");
            newer = Task.Run(() => PutAsync(cloud, RegistryWith(1)));
            // before the fix the newer one finished here, fleet update included; now it waits for the older one's turn
            // to end, which cannot happen while that is held
            var registry = cloud.Get<RegistryService>();
            await Wait.UntilAsync(() => newer.IsCompleted || registry.ReplacementsWaiting == 1, "the newer replacement to finish or wait its turn");
            // the fix itself: the newer replacement waits for the older one's fleet update instead of overtaking it
            Assert.False(newer.IsCompleted, "the newer replacement finished while the older one's fleet update was held");
            Assert.Equal(1, registry.ReplacementsWaiting);
        }
        await Wait.ForAsync(Task.WhenAll(older, newer), "both replacements to answer");

        var stored = RegistryLoader.Parse(cloud.Get<SqliteStore>().LatestRegistry()!).Document!.Expand();
        Assert.Equal("sc-lum-000001", Assert.Single(Assert.Single(stored.Cities).Luminaires).Id); // the newer one
        var expected = stored.Cities.SelectMany(c => c.Luminaires.Select(l => l.Id).Concat(c.WifiPoints.Select(w => w.Id))).Order(StringComparer.Ordinal);
        Assert.Equal(expected, fleet.Devices.Select(d => d.Id).Order(StringComparer.Ordinal));
        Directory.Delete(dir, true);
    }

    /// <summary>Holds one device view's lock on a thread of its own (a monitor belongs to a thread) until disposed.</summary>
    private sealed class HeldDevice : IDisposable
    {
        private readonly ManualResetEventSlim _release = new();
        private readonly Thread _thread;

        private HeldDevice(DeviceView device)
        {
            using var held = new ManualResetEventSlim();
            _thread = new Thread(() =>
            {
                lock (device)
                {
                    held.Set();
                    _release.Wait();
                }
            }) { IsBackground = true };
            _thread.Start();
            held.Wait();
        }

        public static HeldDevice Hold(DeviceView device) => new(device);

        public void Dispose()
        {
            _release.Set();
            _thread.Join();
            _release.Dispose();
        }
    }
}
