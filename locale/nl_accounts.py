"""Dutch texts of the account hardening (issue 15 #5, #6, #8, #9)."""

NL = {
    "Too many failed logins. Please wait a minute and try again.": "Te veel mislukte inlogpogingen. Wacht een minuut en probeer het opnieuw.",
    "Failed logins on your Leadhunter account": "Mislukte inlogpogingen op uw Leadhunter-account",
    "Logging in to your Leadhunter account failed %(free)s times or more in a short while. Logging in to your account is slowed down for a few minutes; from a browser you have logged in with before, you can log in as usual.": "Inloggen op uw Leadhunter-account is in korte tijd %(free)s keer of vaker mislukt. Inloggen op uw account gaat daarom enkele minuten langzamer; vanuit een browser waarmee u eerder bent ingelogd, kunt u gewoon inloggen.",
    "If this was not you, tell your administrator, and change your password if it might be known to someone else.": "Was u dit niet? Meld het dan bij uw systeembeheerder en wijzig uw wachtwoord als iemand anders het zou kunnen kennen.",
    "This password is a common password or the name of this site with a few characters added.": "Dit wachtwoord is een veelgebruikt wachtwoord of de naam van deze site met een paar tekens erbij.",
    "This password is mostly digits, symbols or repeated characters.": "Dit wachtwoord bestaat vooral uit cijfers, symbolen of herhaalde tekens.",
    "Your password cannot be a common password or this site's name with a few characters added.": "Uw wachtwoord mag geen veelgebruikt wachtwoord zijn en niet de naam van deze site met een paar tekens erbij.",
    "API tokens": "API-tokens",
    "API token": "API-token",
    "starts with": "begint met",
    "expires at": "verloopt op",
    "last used at": "laatst gebruikt op",
    "never": "nooit",
    "Revoke": "Intrekken",
    "You have no API tokens.": "U hebt geen API-tokens.",
    "The token was revoked.": "Het token is ingetrokken.",
    "Invalid or expired token.": "Ongeldig of verlopen token.",
    "Tokens for the API (POST /api/v1/auth/token/). Each ends after %(days)s days, when your password changes or when you revoke it here.": "Tokens voor de API (POST /api/v1/auth/token/). Elk token vervalt na %(days)s dagen, wanneer uw wachtwoord wijzigt of wanneer u het hier intrekt.",
}
