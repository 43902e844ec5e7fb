using System.Net;
using CidadesInteligentes.Cloud.Tests.Host;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Api;

/// <summary>
/// With anonymous reads off (the production setting) the dashboard's live stream is an EventSource, which cannot send
/// an Authorization header: the page keeps its key in the <c>ci_key</c> cookie too. The cloud accepts that cookie for
/// reads only, so another site cannot make a signed-in browser send a command or a registry change.
/// </summary>
public sealed class KeyCookieTests : IAsyncLifetime
{
    private string _dir = "";
    private CloudApp _cloud = null!;

    public async Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("ci-cookie-").FullName;
        var keys = Path.Combine(_dir, "keys.txt");
        await File.WriteAllLinesAsync(keys, ["viewer view-key-cookie-0123456789 bia", "operator op-key-cookie-0123456789 ana"]);
        _cloud = await CloudApp.StartAsync(null, "--Api:KeysFile", keys, "--Api:AnonymousRead", "false");
    }

    public async Task DisposeAsync()
    {
        await _cloud.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<HttpStatusCode> SendAsync(HttpMethod method, string path, string? cookie, HttpContent? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", "ci_key=" + Uri.EscapeDataString(cookie));
        }
        using var response = await _cloud.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_key_in_the_cookie_reads_including_the_live_stream()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Get, "/api/cities", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Get, "/api/cities", "not-a-key-at-all-000000"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, "/api/cities", "view-key-cookie-0123456789"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, "/api/live", "view-key-cookie-0123456789"));
    }

    [Fact]
    public async Task The_cookie_never_authorises_a_command_or_a_registry_change()
    {
        var command = new StringContent("""{"type":"requestStatus"}""", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Post, "/api/devices/sc-lum-000020/commands", "op-key-cookie-0123456789", command));
        var registry = new StringContent("""{"cities":[]}""", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Put, "/api/registry", "op-key-cookie-0123456789", registry));
    }
}
