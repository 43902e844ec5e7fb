namespace CidadesInteligentes.Edge.Core.Hotspot;

/// <summary>
/// Throughput test: downloads a URL and optionally uploads a generated body, timing each.
/// Mbps = bytes × 8 / seconds / 1 000 000 (e.g. 12 500 000 bytes in 2 s = 50 Mbps).
/// A direction that fails (refused, no answer within the client's timeout, a body cut short, or a download quiet for
/// the client's timeout) has no figure; only the caller's token cancels the test.
/// </summary>
public sealed class ThroughputProbe(HttpClient http, TimeProvider timeProvider)
{
    public async Task<ThroughputResult> RunAsync(Uri downloadUrl, Uri? uploadUrl, int uploadBytes, CancellationToken cancellationToken)
    {
        var (downMbps, downloaded) = await DownloadAsync(downloadUrl, cancellationToken).ConfigureAwait(false);
        double? upMbps = null;
        long uploaded = 0;
        if (uploadUrl is not null && uploadBytes > 0)
        {
            upMbps = await UploadAsync(uploadUrl, uploadBytes, cancellationToken).ConfigureAwait(false);
            uploaded = upMbps is null ? 0 : uploadBytes;
        }
        return new ThroughputResult(downMbps, upMbps, downloaded, uploaded);
    }

    internal static double Mbps(long bytes, TimeSpan elapsed) =>
        Math.Min(10_000, bytes * 8 / Math.Max(elapsed.TotalSeconds, 1e-6) / 1_000_000);

    private async Task<(double? Mbps, long Bytes)> DownloadAsync(Uri url, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        // The client's timeout ends with the response headers; the body gets the same allowance for each read, so a
        // transfer that stops (the backhaul dropping mid-test) ends the test instead of holding the hotspot's loop.
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (null, 0);
            }
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[64 * 1024];
                long total = 0;
                while (true)
                {
                    quiet.CancelAfter(http.Timeout);
                    var read = await stream.ReadAsync(buffer, quiet.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }
                    total += read;
                }
                return (Mbps(total, timeProvider.GetElapsedTime(started)), total);
            }
        }
        catch (HttpRequestException)
        {
            return (null, 0);
        }
        catch (IOException)
        {
            return (null, 0); // the body ended before its announced length
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, 0); // no headers within the client's timeout, or the body went quiet
        }
    }

    private async Task<double?> UploadAsync(Uri url, int bytes, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(new byte[bytes]);
        var started = timeProvider.GetTimestamp();
        try
        {
            using var response = await http.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? Mbps(bytes, timeProvider.GetElapsedTime(started)) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null; // no answer within the client's timeout
        }
    }
}
