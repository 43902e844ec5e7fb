using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace CidadesInteligentes.Cloud.Reports;

/// <summary>
/// HTML → PDF through Debian's Chromium headless print-to-PDF, in a throw-away profile directory. The HTML has no
/// external assets, so networking stays off.
/// </summary>
public sealed class PdfRenderer(string chromiumPath = PdfRenderer.DefaultChromium, TimeSpan? timeout = null)
{
    public const string DefaultChromium = "/usr/bin/chromium";

    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(60);

    public string ChromiumPath { get; } = chromiumPath;

    /// <exception cref="PdfUnavailableException">Chromium is missing, fails, times out or writes no PDF.</exception>
    public async Task<byte[]> RenderAsync(string html, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(html);
        if (!File.Exists(ChromiumPath))
        {
            throw new PdfUnavailableException(
                $"PDF not produced: Chromium was not found at {ChromiumPath} (install Debian's 'chromium' package); the HTML, CSV and JSON reports are unaffected.");
        }
        var dir = Directory.CreateTempSubdirectory("ci-report-pdf-");
        try
        {
            var htmlFile = Path.Combine(dir.FullName, "report.html");
            var pdfFile = Path.Combine(dir.FullName, "report.pdf");
            await File.WriteAllTextAsync(htmlFile, html, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
            var (exit, stderr) = await RunAsync(dir.FullName, htmlFile, pdfFile, cancellationToken).ConfigureAwait(false);
            if (!File.Exists(pdfFile) || new FileInfo(pdfFile).Length == 0)
            {
                throw new PdfUnavailableException($"PDF not produced: Chromium exited with code {exit} without writing a PDF. {Tail(stderr)}");
            }
            return await File.ReadAllBytesAsync(pdfFile, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium's helpers may still hold the profile for a moment; a temp dir left behind is harmless
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private async Task<(int Exit, string Stderr)> RunAsync(string dir, string htmlFile, string pdfFile, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(ChromiumPath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir,
        };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync", "--no-pdf-header-footer", "--user-data-dir=" + Path.Combine(dir, "profile"),
            "--print-to-pdf=" + pdfFile, new Uri(htmlFile).AbsoluteUri,
        })
        {
            info.ArgumentList.Add(a);
        }
        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new PdfUnavailableException($"PDF not produced: Chromium at {ChromiumPath} could not be started ({e.Message}).", e);
        }
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new PdfUnavailableException($"PDF not produced: Chromium did not finish within {_timeout.TotalSeconds:0} s.");
        }
        await stdout.ConfigureAwait(false);
        return (process.ExitCode, await stderr.ConfigureAwait(false));
    }

    private static string Tail(string text)
    {
        var t = text.Trim();
        return t.Length <= 400 ? t : "…" + t[^400..];
    }
}
