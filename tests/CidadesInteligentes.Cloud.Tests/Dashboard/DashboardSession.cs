using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>
/// One browser context on the dashboard: records console errors and uncaught page errors (a test fails on any),
/// reads numbers by <c>data-testid</c> and saves screenshots.
/// </summary>
internal sealed class DashboardSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly string _baseUrl;

    private DashboardSession(IBrowserContext context, IPage page, string baseUrl)
    {
        _context = context;
        Page = page;
        _baseUrl = baseUrl.TrimEnd('/');
        page.Console += (_, msg) =>
        {
            if (msg.Type == "error")
            {
                lock (Errors)
                {
                    Errors.Add($"console: {msg.Text} ({msg.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (Errors)
            {
                Errors.Add("pageerror: " + error);
            }
        };
    }

    public IPage Page { get; }
    public List<string> Errors { get; } = [];

    public static async Task<DashboardSession> OpenAsync(DashboardBrowser browser, Uri baseAddress, int width = 1366, int height = 900)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "pt-BR",
            TimezoneId = "America/Sao_Paulo",
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return new DashboardSession(context, page, baseAddress.ToString());
    }

    /// <summary>Opens a route such as <c>/device/sc-lum-000020</c> (the part after <c>#</c>).</summary>
    public async Task GoAsync(string route)
    {
        await Page.GotoAsync($"{_baseUrl}/#{route}");
    }

    public ILocator ById(string testId) => Page.GetByTestId(testId);

    public async Task<string> TextAsync(string testId)
    {
        var locator = ById(testId);
        await locator.WaitForAsync();
        return (await locator.InnerTextAsync()).Trim();
    }

    /// <summary>Asserts the number shown under <paramref name="testId"/> equals <paramref name="expected"/> to the shown precision.</summary>
    public async Task AssertNumberAsync(string testId, double? expected, double scale = 1)
    {
        var text = await TextAsync(testId);
        var shown = PtBrNumber.Parse(text);
        if (expected is null)
        {
            Assert.True(shown is null, $"{testId}: the API has no value but the page shows '{text}'");
            return;
        }
        Assert.True(shown is not null, $"{testId}: the API says {expected} but the page shows '{text}'");
        var want = expected.Value * scale;
        var tolerance = PtBrNumber.HalfUnitOfLastDigit(text) + 1e-9;
        Assert.True(Math.Abs(shown.Value - want) <= tolerance,
            string.Create(CultureInfo.InvariantCulture, $"{testId}: page shows '{text}' = {shown}, API says {want} (tolerance {tolerance})"));
    }

    public Task AssertNumberAsync(string testId, JsonElement element, string property, double scale = 1)
    {
        var p = element.GetProperty(property);
        return AssertNumberAsync(testId, p.ValueKind == JsonValueKind.Number ? p.GetDouble() : null, scale);
    }

    public async Task ScreenshotAsync(string name)
    {
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardBrowser.ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    public void AssertNoErrors()
    {
        lock (Errors)
        {
            Assert.True(Errors.Count == 0, "the page logged errors:\n" + string.Join("\n", Errors));
        }
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
