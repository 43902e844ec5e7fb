using System.Text;
using CidadesInteligentes.Cloud.Reports;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Reports;

public sealed class PdfRendererTests
{
    [Fact]
    public async Task Chromium_prints_the_report_to_a_pdf()
    {
        Assert.True(File.Exists(PdfRenderer.DefaultChromium),
            $"Debian's Chromium is required for the PDF test and was not found at {PdfRenderer.DefaultChromium} (apt-get install chromium)");
        var city = ReportInputs.City();
        var report = ReportInputs.Builder().BuildCity(ReportInputs.Month, city, ReportInputs.Savings(city), ReportInputs.Wifi(city, 1));

        var pdf = await new PdfRenderer(timeout: TimeSpan.FromSeconds(90)).RenderAsync(ReportRenderer.RenderHtml(report));

        Assert.True(pdf.Length > 1000, $"PDF of {pdf.Length} bytes");
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5));
    }

    [Fact]
    public async Task A_missing_chromium_is_reported_in_plain_words()
    {
        var renderer = new PdfRenderer("/nonexistent/chromium");
        var e = await Assert.ThrowsAsync<PdfUnavailableException>(() => renderer.RenderAsync("<html></html>"));
        Assert.Contains("Chromium was not found at /nonexistent/chromium", e.Message, StringComparison.Ordinal);
    }
}
