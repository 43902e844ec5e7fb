using System.Net;
using System.Net.Http.Headers;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>
/// Dashboards poll the same answers every few seconds; an unchanged answer must cost a 304 without a body, and a changed
/// one must come whole with a new validator.
/// </summary>
public sealed class ConditionalGetTests
{
    [Fact]
    public async Task An_unchanged_answer_is_not_sent_again_and_a_changed_one_is()
    {
        var dir = ServerProcess.CreateTempDirectory("conditional-get");
        var file = Path.Combine(dir, "registry.json");
        await File.WriteAllTextAsync(file, CityEndpointTests.Registry);
        await using var cloud = await CloudApp.StartAsync(Path.Combine(dir, "data"), "--Registry:File", file);

        var first = await cloud.Http.GetAsync("/api/cities/3548906/map");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var tag = first.Headers.ETag;
        Assert.NotNull(tag);
        Assert.False(tag.IsWeak);
        Assert.Contains("no-cache", first.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.True(first.Headers.CacheControl.Private);
        var body = await first.Content.ReadAsStringAsync();
        Assert.Contains("sc-lum-000001", body, StringComparison.Ordinal);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/cities/3548906/map");
        again.Headers.IfNoneMatch.Add(tag);
        var notModified = await cloud.Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Equal(tag, notModified.Headers.ETag);

        // a luminaire reports: its dot changes, so the answer comes whole with another validator
        var dev = await cloud.DeviceAsync("sc-lum-000001");
        await dev.PublishAsync(Payload.Topic("sc-lum-000001", "telemetry"), Payload.Luminaire(1, DateTimeOffset.UtcNow.AddMinutes(-1)));
        using var afterChange = new HttpRequestMessage(HttpMethod.Get, "/api/cities/3548906/map");
        afterChange.Headers.IfNoneMatch.Add(tag);
        var changed = await cloud.Http.SendAsync(afterChange);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(tag, changed.Headers.ETag);
        Assert.NotEqual(body, await changed.Content.ReadAsStringAsync());

        // a list of validators, one of them current, and the weak form of the current one
        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/cities/3548906/map");
        list.Headers.IfNoneMatch.Add(tag);
        list.Headers.IfNoneMatch.Add(changed.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await cloud.Http.SendAsync(list)).StatusCode);
        using var weak = new HttpRequestMessage(HttpMethod.Get, "/api/cities/3548906/map");
        weak.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(changed.Headers.ETag!.Tag, isWeak: true));
        Assert.Equal(HttpStatusCode.NotModified, (await cloud.Http.SendAsync(weak)).StatusCode);

        // refusals carry no validator
        var unknown = await cloud.Http.GetAsync("/api/cities/3500000/map");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Null(unknown.Headers.ETag);
        Directory.Delete(dir, recursive: true);
    }
}
