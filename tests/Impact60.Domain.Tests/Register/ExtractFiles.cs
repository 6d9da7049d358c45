using System.Text;
using System.Text.RegularExpressions;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Domain.Tests.Register;

/// <summary>Builds extract files in memory for the reader tests.</summary>
internal static class ExtractFiles
{
    /// <summary>A fixed 32-byte test key: tests only, never a production key.</summary>
    public static readonly Pseudonymizer Pseudonymizer = new(Encoding.ASCII.GetBytes("impact60-reader-tests-fixed-key-0123456789"));

    public static Pseudonym Person(string cpr) =>
        Cpr.TryParse(cpr, out var c, out _) ? Pseudonymizer.Of(c!) : throw new ArgumentException("test CPR is invalid");

    /// <summary>Joins the lines with LF (or the given newline) and encodes them as UTF-8, optionally with a BOM.</summary>
    public static MemoryStream File(string[] lines, string newline = "\n", bool bom = false)
    {
        var text = string.Join(newline, lines) + newline;
        var bytes = Encoding.UTF8.GetBytes(text);
        return new MemoryStream(bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes);
    }

    public static (List<Referral> Referrals, List<Rejection> Rejections) Referrals(params string[] lines) =>
        Referrals(File(lines));

    public static (List<Referral> Referrals, List<Rejection> Rejections) Referrals(Stream stream)
    {
        var rejections = new List<Rejection>();
        var referrals = ReferralFile.Read(stream, "referrals.csv", Pseudonymizer, rejections).ToList();
        return (referrals, rejections);
    }

    public static readonly IsoWeek LatestAllowed = new(2021, 52);

    public static (List<RegisterWeek> Weeks, List<Rejection> Rejections) Weeks(params string[] lines) =>
        Weeks(File(lines));

    public static (List<RegisterWeek> Weeks, List<Rejection> Rejections) Weeks(Stream stream)
    {
        var rejections = new List<Rejection>();
        var weeks = WeeksFile.Read(stream, "weeks.csv", Pseudonymizer, LatestAllowed, rejections).ToList();
        return (weeks, rejections);
    }

    // Written independently of Cpr.MaskAll: ten digits not inside a longer run, with the usual separators, whose first six are a date.
    private static readonly Regex CprShaped = new(@"(?<![0-9])[0-9]{2}[-./ ]?[0-9]{2}[-./ ]?[0-9]{2}[-\u2013/. ]?[0-9]{4}(?![0-9])", RegexOptions.CultureInvariant);

    /// <summary>No rejection may carry a CPR (in any usual spelling) in its reason or raw line.</summary>
    public static void AssertNoCpr(IEnumerable<Rejection> rejections)
    {
        foreach (var r in rejections)
        {
            AssertNoCpr(r.Reason);
            AssertNoCpr(r.MaskedRawLine);
        }
    }

    public static void AssertNoCpr(string text)
    {
        foreach (Match m in CprShaped.Matches(text))
        {
            var digits = new string(m.Value.Where(char.IsAsciiDigit).ToArray());
            Assert.False(Cpr.TryParse(digits, out _, out _), $"CPR-shaped '{m.Value}' in: {text}");
        }
    }

    public static Rejection Single(List<Rejection> rejections, int line)
    {
        AssertNoCpr(rejections);
        return Assert.Single(rejections, r => r.Line == line);
    }
}
