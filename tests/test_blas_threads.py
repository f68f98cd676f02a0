"""Loading a spaCy pipeline limits BLAS to one thread, unless the user chose a count."""
import json
import os
import subprocess
import sys

from annales import nlp

PROBE = ("import json; from annales import nlp; nlp.load('fr'); from threadpoolctl import threadpool_info; "
         "print(json.dumps([i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas']))")


def blas_threads(**env) -> list[int]:
    clean = {k: v for k, v in os.environ.items() if k not in nlp.THREAD_SETTINGS}
    out = subprocess.run([sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_one_blas_thread_after_loading_a_model():
    assert blas_threads() and set(blas_threads()) == {1}


def test_a_count_the_user_set_is_kept():
    assert set(blas_threads(OPENBLAS_NUM_THREADS="2")) == {2}
