namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>
/// Asks the captive portal for its check page and compares the status code and, when configured, a text the body
/// must contain. Redirects are not followed: give it an <see cref="HttpClient"/> whose handler has
/// <c>AllowAutoRedirect = false</c>, so a portal that redirects elsewhere is seen as such.
/// </summary>
public sealed class CaptivePortalProbe(HttpClient http)
{
    public async Task<PortalCheckResult> RunAsync(Uri url, int expectedStatus, string? expectedBodyContains, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status != expectedStatus)
            {
                return new PortalCheckResult(false, status, $"status {status}, expected {expectedStatus}");
            }
            if (!string.IsNullOrEmpty(expectedBodyContains))
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (!body.Contains(expectedBodyContains, StringComparison.Ordinal))
                {
                    return new PortalCheckResult(false, status, "the page does not contain the expected text");
                }
            }
            return new PortalCheckResult(true, status, null);
        }
        catch (HttpRequestException e)
        {
            return new PortalCheckResult(false, null, "no answer: " + e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PortalCheckResult(false, null, "no answer within the timeout");
        }
    }
}
