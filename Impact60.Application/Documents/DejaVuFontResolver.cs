using System.Collections.Concurrent;
using PdfSharp.Fonts;

namespace Impact60.Application.Documents;

/// <summary>
/// PDFsharp finds no system fonts on Linux (Azure Functions, CI), so every face comes from the DejaVu Sans files
/// embedded in this assembly (Bitstream Vera licence, see Documents/Fonts/LICENSE-DejaVu.txt). DejaVu covers æøå.
/// </summary>
internal sealed class DejaVuFontResolver : IFontResolver
{
    public const string FamilyName = "DejaVu Sans";
    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";

    private static readonly DejaVuFontResolver Instance = new();
    private static readonly object Gate = new();
    private readonly ConcurrentDictionary<string, byte[]> _faces = new();

    private DejaVuFontResolver() { }

    /// <summary>
    /// Installs the resolver once per process. PDFsharp allows setting it only before the first font operation,
    /// or re-setting the same instance, so this is idempotent and safe from any thread.
    /// </summary>
    public static void EnsureInstalled()
    {
        if (ReferenceEquals(GlobalFontSettings.FontResolver, Instance)) return;
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is null)
                GlobalFontSettings.FontResolver = Instance;
            else if (!ReferenceEquals(GlobalFontSettings.FontResolver, Instance))
                throw new InvalidOperationException(
                    $"PDFsharp already has font resolver {GlobalFontSettings.FontResolver.GetType().Name}; settlement PDFs need {nameof(DejaVuFontResolver)}.");
        }
    }

    // Every family maps to DejaVu Sans: documents only ask for it, and a stray family must not fail a settlement.
    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: italic);

    public byte[] GetFont(string faceName) => _faces.GetOrAdd(faceName, static name =>
    {
        var resource = $"Impact60.Application.Documents.Fonts.{name}.ttf";
        using var stream = typeof(DejaVuFontResolver).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded font '{resource}' is missing from {typeof(DejaVuFontResolver).Assembly.GetName().Name}");
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return ms.ToArray();
    });
}
