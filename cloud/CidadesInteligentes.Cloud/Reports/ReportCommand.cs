using CidadesInteligentes.Cloud.Hosting;
using CidadesInteligentes.Cloud.Storage;

namespace CidadesInteligentes.Cloud.Reports;

/// <summary>The cloud program's <c>report</c> command, for schedulers.</summary>
internal static class ReportCommand
{
    /// <summary>
    /// <c>report --month YYYY-MM [--city IBGE] [--out DIR]</c> with the usual <c>--Storage:Directory</c> and
    /// <c>--Registry:File</c>: writes the month's reports from the stored data (also into the store) and exits 0 when every
    /// city is compliant, 2 when one is not (so a scheduler can alert), 1 when the reports could not be made.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        string? Option(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        var settingsArgs = args.Where((a, i) => !(a is "--month" or "--city" or "--out") && !(i > 0 && args[i - 1] is "--month" or "--city" or "--out")).ToList();
        settingsArgs.AddRange(["--Broker:Enabled", "true", "--Broker:Port", "0", "--Reports:Enabled", "false"]);
        var app = CloudHost.Build([.. settingsArgs], out var problems);
        if (app is null)
        {
            await Console.Error.WriteLineAsync("Cannot make reports: " + string.Join("; ", problems)).ConfigureAwait(false);
            return 1;
        }
        await using (app.ConfigureAwait(false))
        {
            var time = app.Services.GetRequiredService<TimeProvider>();
            var month = Option("--month") ?? ReportService.PreviousMonth(time.GetUtcNow());
            if (!Domain.LocalMonth.TryParse(month, "America/Sao_Paulo", out _))
            {
                await Console.Error.WriteLineAsync($"--month '{month}' is not {Domain.LocalMonth.Accepted}").ConfigureAwait(false);
                return 1;
            }
            try
            {
                var (set, entries) = await app.Services.GetRequiredService<ReportService>().GenerateAsync(month, Option("--city"), CancellationToken.None).ConfigureAwait(false);
                var store = app.Services.GetRequiredService<SqliteStore>();
                var outDir = Option("--out");
                foreach (var e in entries)
                {
                    Console.WriteLine($"{e.Id}: {(e.Compliant ? "compliant" : "NOT COMPLIANT")} sha256 {e.Digest}");
                    if (outDir is not null)
                    {
                        Directory.CreateDirectory(outDir);
                        foreach (var f in e.Formats)
                        {
                            var path = Path.Combine(outDir, $"{e.Id}.{f}");
                            switch (store.ReportContent(e.Id, f))
                            {
                                case string text:
                                    await File.WriteAllTextAsync(path, text).ConfigureAwait(false);
                                    break;
                                case byte[] bytes:
                                    await File.WriteAllBytesAsync(path, bytes).ConfigureAwait(false);
                                    break;
                            }
                        }
                    }
                }
                var failing = set.Cities.Where(c => !c.Compliant).Select(c => $"{c.Name} ({c.Ibge})").ToList();
                if (failing.Count > 0)
                {
                    Console.WriteLine($"not compliant: {string.Join(", ", failing)}");
                }
                return Option("--city") is { } one ? (set.Cities.Single(c => c.Ibge == one).Compliant ? 0 : ReportSet.NotCompliantExitCode) : set.ExitCode;
            }
            catch (KeyNotFoundException e)
            {
                await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 1;
            }
        }
    }
}
