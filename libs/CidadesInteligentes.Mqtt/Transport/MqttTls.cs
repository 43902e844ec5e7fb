using System.Net.Security;
using System.Runtime.CompilerServices;

namespace CidadesInteligentes.Mqtt.Transport;

/// <summary>
/// TLS for a client connection: the <see cref="SslClientAuthenticationOptions"/> to authenticate the server with.
/// Client options hold this type rather than the framework's options directly so that a plain-TCP client never
/// names a System.Net.Security type in a method it runs: the runtime then never loads that assembly, the
/// cryptography assembly behind it or OpenSSL (about 1 MB resident on an edge agent without TLS, more with OpenSSL;
/// docs/performance.md). Only <see cref="AuthenticateAsync"/> touches them, and only when TLS is configured.
/// </summary>
public sealed class MqttTls(SslClientAuthenticationOptions options)
{
    public SslClientAuthenticationOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Wraps <paramref name="stream"/> in TLS as a client of <paramref name="host"/> (the target host unless set).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // inlining into the connect path would load System.Net.Security there
    internal async Task<Stream> AuthenticateAsync(Stream stream, string host, CancellationToken ct)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        Options.TargetHost ??= host;
        await ssl.AuthenticateAsClientAsync(Options, ct).ConfigureAwait(false);
        return ssl;
    }
}
