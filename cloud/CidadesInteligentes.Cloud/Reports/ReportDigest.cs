using System.Security.Cryptography;

namespace CidadesInteligentes.Cloud.Reports;

/// <summary>
/// SHA-256 (lowercase hex) over the report's canonical JSON without <c>generatedAt</c> and <c>digest</c>: the same
/// data gives the same digest whenever it is regenerated, and any changed figure changes it. The city content
/// carries the Wi-Fi input digest, so the report digest also pins the telemetry behind the verdict.
/// </summary>
public static class ReportDigest
{
    public static string Compute(IReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Convert.ToHexStringLower(SHA256.HashData(CanonicalContent(report)));
    }

    /// <summary>The exact bytes hashed (compact UTF-8 JSON), for an auditor who wants to re-hash them.</summary>
    public static byte[] CanonicalContent(IReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return ReportJson.Write(report, envelope: false, indented: false);
    }
}
