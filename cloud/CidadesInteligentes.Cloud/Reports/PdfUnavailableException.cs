namespace CidadesInteligentes.Cloud.Reports;

/// <summary>The PDF could not be produced (Chromium missing, failed or too slow); the message says why in plain words.</summary>
public sealed class PdfUnavailableException : Exception
{
    public PdfUnavailableException()
    {
    }

    public PdfUnavailableException(string message)
        : base(message)
    {
    }

    public PdfUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
