using Microsoft.Playwright;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>
/// Debian's Chromium driven by Playwright, shared by the dashboard tests: Playwright cannot download its own browser
/// here, so a missing /usr/bin/chromium fails every test with an explanation instead of skipping silently.
/// </summary>
public sealed class DashboardBrowser : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser did not start");

    /// <summary>Where screenshots go: TestResults/screenshots under the test output folder.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ExecutablePath}; the dashboard tests need it. Install it with " +
                "`sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium` (wait for any running apt/dpkg to finish first).");
        }
        Directory.CreateDirectory(ScreenshotDirectory);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}

/// <summary>The dashboard tests share one browser and run one at a time (the machine has two cores).</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardBrowser>
{
    public const string Name = "dashboard";
}
