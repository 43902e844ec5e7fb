namespace CidadesInteligentes.Cloud.Reports;

public static class ReportScopes
{
    public const string City = "city";
    public const string State = "state";
}
