namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>The HTTP client the hotspot's captive-portal and throughput probes share.</summary>
public static class ProbeHttpClient
{
    /// <summary>
    /// Redirects are not followed: a portal that sends its check page elsewhere (a login page, an operator's ad page) is
    /// reported with the redirect's status instead of the page it points to, so the throughput URL must answer directly.
    /// Built on <see cref="SocketsHttpHandler"/> directly: <see cref="HttpClientHandler"/>'s constructor sets up
    /// client-certificate options and so loads the TLS and cryptography assemblies (docs/performance.md).
    /// </summary>
    public static HttpClient Create() =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(20) };
}
