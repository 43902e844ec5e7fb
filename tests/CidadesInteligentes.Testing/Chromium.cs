namespace CidadesInteligentes.Testing;

/// <summary>Debian's Chromium for Playwright: Playwright cannot download its own browser here.</summary>
public static class Chromium
{
    public static string ExecutablePath => ServerProcess.Locate("chromium", "chromium");

    public static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-quic", "--no-first-run", "--disable-sync",
    ];
}
