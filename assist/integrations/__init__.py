"""Live integrations: a Chatwoot agent bot, a Kakao i Open Builder skill and a Zendesk/Freshdesk
side-panel note. No FastAPI here: the routes in ``assist.api.integrations`` are thin.

- :mod:`.outbox`: every outbound call is written to the ``integration_outbox`` table first, then
  sent (:mod:`.client`: timeouts, retries with exponential backoff, an ``Idempotency-Key``); a call
  that fails stays there until a retry pass delivers it (``kms integrations retry``, or the
  server's background pass, :mod:`.worker`).
- :mod:`.chatwoot`, :mod:`.kakao`, :mod:`.helpdesk`: payload parsing and what to send.
- :mod:`.signatures`: HMAC checks of the webhooks the products sign.
"""
