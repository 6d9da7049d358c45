using Impact60.Application.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Impact60.Application.Notices;

public static class NoticesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the notice renderer, the sender and the dispatcher. <c>SendGrid__ApiKey</c> set: e-mail goes through
    /// SendGrid (<c>SendGrid__Host</c> overrides the API host); not set: <c>.eml</c> files go to
    /// <c>Notices__PickupFolder</c>. Settings and templates are checked when the host starts.
    /// The caller registers <see cref="INoticeContentSource"/> and <see cref="INoticeLedger"/> to use
    /// <see cref="NoticeDispatcher"/>.
    /// </summary>
    public static IServiceCollection AddImpact60Notices(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<NoticeOptions>().Bind(configuration.GetSection(NoticeOptions.Section)).ValidateOnStart();
        services.AddOptions<SendGridOptions>().Bind(configuration.GetSection(SendGridOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NoticeOptions>>(new NoticeOptionsValidator(configuration)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SendGridOptions>, SendGridOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton(sp => new NoticeRenderer(sp.GetRequiredService<IOptions<NoticeOptions>>().Value));
        services.TryAddSingleton<INoticeSender>(sp =>
        {
            var sendGrid = sp.GetRequiredService<IOptions<SendGridOptions>>().Value;
            if (!string.IsNullOrWhiteSpace(sendGrid.ApiKey))
                // Its own HttpClient, not IHttpClientFactory's: a resilience handler the host adds to every factory
                // client would retry behind the queue's back.
                return new SendGridNoticeSender(sendGrid);
            return new PickupFolderNoticeSender(
                sp.GetRequiredService<IOptions<NoticeOptions>>().Value.PickupFolder!,
                sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddTransient(sp => new NoticeDispatcher(
            sp.GetRequiredService<INoticeContentSource>(),
            sp.GetRequiredService<INoticeLedger>(),
            sp.GetRequiredService<INoticeSender>(),
            sp.GetRequiredService<NoticeRenderer>(),
            NoticeOptionsValidator.ParseFrom(sp.GetRequiredService<IOptions<NoticeOptions>>().Value.From),
            sp.GetRequiredService<ILogger<NoticeDispatcher>>()));
        return services;
    }
}

/// <summary>Fails start-up on a bad <c>Notices</c> section, naming the setting; also parses the language's templates.</summary>
internal sealed class NoticeOptionsValidator(IConfiguration configuration) : IValidateOptions<NoticeOptions>
{
    public ValidateOptionsResult Validate(string? name, NoticeOptions options)
    {
        var failures = new List<string>();
        if (!NoticeOptions.Languages.Contains(options.Language))
            failures.Add($"{AppSettingNames.NoticesLanguage} is '{options.Language}'; use one of: {string.Join(", ", NoticeOptions.Languages)}.");
        else
        {
            try
            {
                _ = NoticeTemplates.For(options.Language);
            }
            catch (NoticeTemplateException e)
            {
                failures.Add(e.Message);
            }
        }
        if (!TryParseFrom(options.From, out _))
            failures.Add($"{AppSettingNames.NoticesFrom} must be a sender address such as 'IMPACT60 <impact60@example.dk>' (is '{options.From}').");
        // Read from configuration, not IOptions<SendGridOptions>, so a bad SendGrid section is reported once, by its own validator.
        var apiKey = configuration.GetSection(SendGridOptions.Section)[nameof(SendGridOptions.ApiKey)];
        if (string.IsNullOrWhiteSpace(apiKey) && string.IsNullOrWhiteSpace(options.PickupFolder))
            failures.Add($"Set {AppSettingNames.SendGridApiKey} to send notices through SendGrid, or {AppSettingNames.NoticesPickupFolder} to write them as .eml files.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static Recipient ParseFrom(string? from) =>
        TryParseFrom(from, out var r) ? r : throw new InvalidOperationException($"{AppSettingNames.NoticesFrom} is not a sender address.");

    private static bool TryParseFrom(string? from, out Recipient recipient)
    {
        recipient = null!;
        if (string.IsNullOrWhiteSpace(from) || !MailboxAddress.TryParse(from, out var mailbox) || !mailbox.Address.Contains('@'))
            return false;
        recipient = new Recipient(mailbox.Name ?? "", mailbox.Address);
        return true;
    }
}

internal sealed class SendGridOptionsValidator : IValidateOptions<SendGridOptions>
{
    public ValidateOptionsResult Validate(string? name, SendGridOptions options) =>
        Uri.TryCreate(options.Host, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{AppSettingNames.SendGridHost} must be an absolute http(s) URL (is '{options.Host}').");
}
