"""`mldebt setup`: registers the GitHub App from app.yml through GitHub's App-manifest flow.

Run once, by a person with a browser; the receiver never imports it.
"""
