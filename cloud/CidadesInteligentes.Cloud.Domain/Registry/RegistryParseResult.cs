using System.Diagnostics.CodeAnalysis;

namespace CidadesInteligentes.Cloud.Domain.Registry;

public sealed class RegistryParseResult
{
    internal RegistryParseResult(RegistryDocument? document, IReadOnlyList<RegistryProblem> problems)
    {
        Document = problems.Count == 0 ? document : null;
        Problems = problems;
    }

    /// <summary>The document, only when there were no problems.</summary>
    public RegistryDocument? Document { get; }

    public IReadOnlyList<RegistryProblem> Problems { get; }

    [MemberNotNullWhen(true, nameof(Document))]
    public bool Ok => Document is not null;
}
