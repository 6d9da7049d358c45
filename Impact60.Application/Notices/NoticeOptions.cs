namespace Impact60.Application.Notices;

/// <summary>The <c>Notices</c> section: <c>Notices__Language</c>, <c>Notices__From</c>, <c>Notices__PickupFolder</c>.</summary>
public sealed class NoticeOptions
{
    public const string Section = "Notices";

    /// <summary><c>da</c> (default) or <c>en</c>.</summary>
    public string Language { get; set; } = "da";

    /// <summary>The sender, <c>Name &lt;address&gt;</c> or a bare address.</summary>
    public string? From { get; set; }

    /// <summary>Where <c>.eml</c> files go when SendGrid is not configured.</summary>
    public string? PickupFolder { get; set; }

    public static readonly IReadOnlyList<string> Languages = ["da", "en"];
}

/// <summary>The <c>SendGrid</c> section: <c>SendGrid__ApiKey</c> (set = send through SendGrid) and <c>SendGrid__Host</c>.</summary>
public sealed class SendGridOptions
{
    public const string Section = "SendGrid";
    public const string DefaultHost = "https://api.sendgrid.com";

    public string? ApiKey { get; set; }

    /// <summary>SendGrid's API host; tests point it at a local HTTP stub.</summary>
    public string Host { get; set; } = DefaultHost;
}
