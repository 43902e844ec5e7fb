using CidadesInteligentes.Cloud.Domain.Wifi;

namespace CidadesInteligentes.Cloud.Reports;

/// <summary>The HTML report's words in Portuguese (default) and English.</summary>
internal sealed class ReportText
{
    public static readonly ReportText Pt = new()
    {
        Lang = "pt-BR", CityTitle = "Relatório mensal", StateTitle = "Relatório mensal do programa", Month = "Mês",
        Generated = "Gerado em", Compliant = "CONFORME", NotCompliant = "NÃO CONFORME",
        CompliantPoints = "pontos de Wi-Fi conformes (mínimo {1}): {0}",
        Example = "Atenção: tarifas, receitas e inventário deste relatório são valores de exemplo, não dados oficiais.",
        Wifi = "Wi-Fi público: conformidade", Savings = "Economia de energia (M&V, IPMVP Opção B)",
        Completeness = "Completude dos dados", WifiCompleteness = "Completude dos dados de Wi-Fi",
        Point = "Ponto", Availability = "Disponibilidade", Up = "no ar", Down = "fora do ar", NoData = "sem dados",
        MedianDown = "Mediana download", MedianUp = "Mediana upload", P95 = "Latência p95", Loss = "Perda média",
        Use = "Dias com uso", Verdict = "Veredito", Failed = "Falhou em", Outages = "Interrupções", Start = "Início",
        End = "Fim", Cause = "Causa", NoOutages = "Nenhuma interrupção.", Figure = "Indicador", Value = "Valor",
        Measured = "Energia medida", Baseline = "Linha de base Opção B", SavingsKwh = "Economia (Opção B)",
        SavingsBrl = "Economia (Opção B) em R$", BurningHours = "Horas de funcionamento",
        AneelBaseline = "Estimativa ANEEL antes (legado)", AneelLed = "Estimativa ANEEL depois (LED)",
        SpendBefore = "Conta antes", SpendAfter = "Conta depois", BillSavings = "Economia na conta",
        SpendToRevenueBefore = "Gasto ÷ receita antes", SpendToRevenueAfter = "Gasto ÷ receita depois",
        PercentOfRevenue = "Economia em % da receita", CostToCip = "Custo ÷ CIP", Payback = "Retorno (payback)",
        Months = "meses", Co2 = "CO₂ evitado", Luminaires = "Luminárias com dados / inventário",
        Adjustments = "Ajustes", NoAdjustments = "Nenhum ajuste.", Device = "Dispositivo", At = "Quando", Kind = "Tipo",
        Detail = "Detalhe", Digest = "SHA-256 do relatório", WifiDigest = "SHA-256 dos dados de Wi-Fi",
        Cities = "Municípios", City = "Município", FailingCities = "Municípios não conformes", None = "nenhum",
        CompliantCities = "Municípios conformes", MoreOutages = "{0}: mais {1} interrupções (lista completa no CSV e no JSON).",
        DigestNote = "Calculado sobre o conteúdo do relatório, exceto a data de geração.",
        Thresholds = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [WifiFailures.Availability] = "disponibilidade", [WifiFailures.MedianDownMbps] = "mediana de download",
            [WifiFailures.P95LatencyMs] = "latência p95", [WifiFailures.Portal] = "portal cativo",
            [WifiFailures.Use] = "dias com uso", [WifiFailures.NotRegistered] = "ponto não registrado",
        },
    };

    public static readonly ReportText En = new()
    {
        Lang = "en", CityTitle = "Monthly report", StateTitle = "Programme monthly report", Month = "Month",
        Generated = "Generated", Compliant = "COMPLIANT", NotCompliant = "NOT COMPLIANT",
        CompliantPoints = "compliant Wi-Fi points (at least {1}): {0}",
        Example = "Note: tariffs, revenues and inventory in this report are example values, not official data.",
        Wifi = "Public Wi-Fi compliance", Savings = "Energy savings (M&V, IPMVP Option B)",
        Completeness = "Data completeness", WifiCompleteness = "Wi-Fi data completeness",
        Point = "Point", Availability = "Availability", Up = "up", Down = "down", NoData = "no data",
        MedianDown = "Median download", MedianUp = "Median upload", P95 = "p95 latency", Loss = "Mean loss",
        Use = "Days used", Verdict = "Verdict", Failed = "Failed", Outages = "Outages", Start = "Start",
        End = "End", Cause = "Cause", NoOutages = "No outages.", Figure = "Figure", Value = "Value",
        Measured = "Measured energy", Baseline = "Option B baseline", SavingsKwh = "Savings (Option B)",
        SavingsBrl = "Savings (Option B), R$", BurningHours = "Burning hours",
        AneelBaseline = "ANEEL estimate before (legacy)", AneelLed = "ANEEL estimate after (LED)",
        SpendBefore = "Bill before", SpendAfter = "Bill after", BillSavings = "Bill savings",
        SpendToRevenueBefore = "Spend ÷ revenue before", SpendToRevenueAfter = "Spend ÷ revenue after",
        PercentOfRevenue = "Savings as % of revenue", CostToCip = "Cost ÷ CIP", Payback = "Payback",
        Months = "months", Co2 = "CO₂ avoided", Luminaires = "Luminaires reporting / inventory",
        Adjustments = "Adjustments", NoAdjustments = "No adjustments.", Device = "Device", At = "At", Kind = "Kind",
        Detail = "Detail", Digest = "Report SHA-256", WifiDigest = "Wi-Fi input SHA-256",
        Cities = "Cities", City = "City", FailingCities = "Cities not compliant", None = "none",
        CompliantCities = "Compliant cities", MoreOutages = "{0}: {1} more outages (full list in the CSV and JSON).",
        DigestNote = "Computed over the report content, except the generation time.",
        Thresholds = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [WifiFailures.Availability] = "availability", [WifiFailures.MedianDownMbps] = "median download",
            [WifiFailures.P95LatencyMs] = "p95 latency", [WifiFailures.Portal] = "captive portal",
            [WifiFailures.Use] = "days used", [WifiFailures.NotRegistered] = "point not registered",
        },
    };

    public required string Lang { get; init; }
    public required string CityTitle { get; init; }
    public required string StateTitle { get; init; }
    public required string Month { get; init; }
    public required string Generated { get; init; }
    public required string Compliant { get; init; }
    public required string NotCompliant { get; init; }
    public required string CompliantPoints { get; init; }
    public required string Example { get; init; }
    public required string Wifi { get; init; }
    public required string Savings { get; init; }
    public required string Completeness { get; init; }
    public required string WifiCompleteness { get; init; }
    public required string Point { get; init; }
    public required string Availability { get; init; }
    public required string Up { get; init; }
    public required string Down { get; init; }
    public required string NoData { get; init; }
    public required string MedianDown { get; init; }
    public required string MedianUp { get; init; }
    public required string P95 { get; init; }
    public required string Loss { get; init; }
    public required string Use { get; init; }
    public required string Verdict { get; init; }
    public required string Failed { get; init; }
    public required string Outages { get; init; }
    public required string Start { get; init; }
    public required string End { get; init; }
    public required string Cause { get; init; }
    public required string NoOutages { get; init; }
    public required string Figure { get; init; }
    public required string Value { get; init; }
    public required string Measured { get; init; }
    public required string Baseline { get; init; }
    public required string SavingsKwh { get; init; }
    public required string SavingsBrl { get; init; }
    public required string BurningHours { get; init; }
    public required string AneelBaseline { get; init; }
    public required string AneelLed { get; init; }
    public required string SpendBefore { get; init; }
    public required string SpendAfter { get; init; }
    public required string BillSavings { get; init; }
    public required string SpendToRevenueBefore { get; init; }
    public required string SpendToRevenueAfter { get; init; }
    public required string PercentOfRevenue { get; init; }
    public required string CostToCip { get; init; }
    public required string Payback { get; init; }
    public required string Months { get; init; }
    public required string Co2 { get; init; }
    public required string Luminaires { get; init; }
    public required string Adjustments { get; init; }
    public required string NoAdjustments { get; init; }
    public required string Device { get; init; }
    public required string At { get; init; }
    public required string Kind { get; init; }
    public required string Detail { get; init; }
    public required string Digest { get; init; }
    public required string WifiDigest { get; init; }
    public required string Cities { get; init; }
    public required string City { get; init; }
    public required string FailingCities { get; init; }
    public required string None { get; init; }
    public required string CompliantCities { get; init; }
    public required string DigestNote { get; init; }
    public required string MoreOutages { get; init; }
    public required IReadOnlyDictionary<string, string> Thresholds { get; init; }

    /// <summary>A failed threshold's name in this language (its API code if it has none).</summary>
    public string Threshold(string code) => Thresholds.GetValueOrDefault(code, code);

    public static ReportText For(string culture) => culture switch
    {
        "pt-BR" or "pt" => Pt,
        "en" or "en-US" or "en-GB" => En,
        _ => throw new ArgumentOutOfRangeException(nameof(culture), culture, "report culture must be pt-BR or en"),
    };
}
