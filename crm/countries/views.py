from flask import Blueprint

bp = Blueprint("countries", __name__)
