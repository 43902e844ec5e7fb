using System.Globalization;

// dotnet run -c Release --project bench/CidadesInteligentes.Bench -- mqtt [messages]
// dotnet run -c Release --project bench/CidadesInteligentes.Bench -- codec
// dotnet run -c Release --project bench/CidadesInteligentes.Bench -- ingest [messages] [devices] [both|embedded|mosquitto]   (end to end; 8 device connections unless given)
// dotnet run -c Release --project bench/CidadesInteligentes.Bench -- ingestor [messages] [devices] [shuffled] [fold-each-batch|fold-rows=N] [history-days=N]   (the ingestor alone, in process with the cloud's server GC; 8 devices unless given; "shuffled": devices in random order; "fold-each-batch": the roll-ups written in every commit; "fold-rows=N": written whenever N device-days wait, as a fleet reporting every 15 minutes fills a fold; "history-days=N": each store first holds N earlier days of roll-ups per device)
// dotnet run -c Release --project bench/CidadesInteligentes.Bench -- store-read   (a city-month read from a 1.7-million-row store)
// dotnet run -c Release --project bench/CidadesInteligentes.Bench -- savings-refresh [luminaires]   (a dashboard refresh of the month so far)
// dotnet run -c Release --project bench/CidadesInteligentes.Bench -- wifi-refresh [luminaire rows a minute per city]   (a Wi-Fi compliance refresh; the store's whole read from wifi_samples against the payloads)
// dotnet run -c Release --project bench/CidadesInteligentes.Bench -- edge
// (internal) ... -- broker <port>   runs our broker as a child process so its CPU time can be read like Mosquitto's
var command = args.Length > 0 ? args[0] : "mqtt";
// the in-process ingestor and store benches run SQLite in the cloud's mode, which must be chosen before the first
// connection (e.g. the end-to-end bench's commit watcher) opens
CidadesInteligentes.Cloud.Storage.SqliteLibrary.EnsureConfigured();
switch (command)
{
    case "broker":
        await Bench.RunBrokerAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
        break;
    case "codec":
        Bench.Codec();
        break;
    case "ingest":
        await IngestBench.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000,
            args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8,
            args.Length > 3 ? args[3] : "both");
        break;
    case "ingestor":
        await IngestBench.InProcessAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000,
            args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8, args.Skip(3).Contains("shuffled"),
            args.Skip(3).Contains("fold-each-batch") ? 0 : args.Skip(3).FirstOrDefault(a => a.StartsWith("fold-rows=", StringComparison.Ordinal)) is { } rows ? int.Parse(rows[10..], CultureInfo.InvariantCulture) : null,
            args.Skip(3).FirstOrDefault(a => a.StartsWith("history-days=", StringComparison.Ordinal)) is { } history ? int.Parse(history[13..], CultureInfo.InvariantCulture) : 0);
        break;
    case "store-read":
        await StoreReadBench.RunAsync();
        break;
    case "savings-refresh":
        await SavingsRefreshBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
        break;
    case "wifi-refresh":
        await SavingsRefreshBench.WifiAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0);
        break;
    case "fleet":
        FleetBench.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 645_000);
        break;
    case "domain":
        DomainBench.Run();
        break;
    case "edge":
        await EdgeBench.RunAsync();
        break;
    case "mqtt":
        await Bench.MqttAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000);
        break;
    default:
        Console.Error.WriteLine("usage: mqtt [messages] | ingest [messages] [devices] [both|embedded|mosquitto] | ingestor [messages] [devices] [shuffled] [fold-each-batch|fold-rows=N] [history-days=N] | fleet [devices] | store-read | savings-refresh [luminaires per city] | wifi-refresh [luminaire rows a minute per city] | edge | domain | codec | broker <port>");
        return 2;
}
return 0;
